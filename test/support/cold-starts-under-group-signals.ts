// Runs in a process group of its own (the test signals that group over and over, as a terminal's Ctrl-C would):
// starts rounds of concurrent cold starts of a LocalFunction, until `wanted` environments were lost at birth to the
// signals or `maxRounds` ran, and prints what each invocation answered, one JSON line per round, then how many
// environments were replaced. Like `npm start`, it handles SIGINT and SIGTERM itself.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EnvironmentBudget } from '../../local-runtime/lambda/environment-budget';
import { LocalFunction } from '../../local-runtime/lambda/local-function';

const [maxRounds, perRound, wanted] = process.argv.slice(2).map(Number);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => undefined);

const main = async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'orders-group-signals-'));
  try {
    // Slow enough that every invocation of a round needs an environment of its own.
    writeFileSync(
      path.join(dir, 'index.js'),
      'exports.handler = async () => { await new Promise((r) => setTimeout(r, 200)); return "ok"; };',
    );
    process.stdout.write('signal now\n');
    const logFile = path.join(dir, 'function.log');
    const replaced = () => readFileSync(logFile, { encoding: 'utf8', flag: 'a+' }).match(/while it was being created/g)?.length ?? 0;
    for (let round = 0; round < maxRounds && replaced() < wanted; round += 1) {
      const fn = new LocalFunction(
        {
          logicalId: 'GroupSignalFunction',
          functionName: `group-signal-${round}`,
          codeDir: dir,
          handler: 'index.handler',
          timeoutSeconds: 5,
          memorySizeMb: 128,
          environment: {},
          modulePaths: [],
          logFile,
        },
        // Every environment of a round starts at once: as many births as possible inside the signal storm.
        { budget: new EnvironmentBudget(perRound, perRound) },
      );
      const outcomes = await Promise.all(Array.from({ length: perRound }, () => fn.invoke({})));
      await fn.stop();
      process.stdout.write(
        `${JSON.stringify(outcomes.map((outcome) => (outcome.ok ? 'ok' : `${outcome.error.errorType}: ${outcome.error.errorMessage}`)))}\n`,
      );
    }
    process.stdout.write(`replaced ${replaced()}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  },
);
