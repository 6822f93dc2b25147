// npm run bench:reload: how long watch mode takes from a save to the running pipeline using it (docs/local-runtime.md).
import { type HelpShown, cliProgram, parseCommandLine, parseWith, runMain, wholeNumber } from '../ops/cli-kit';
import { formatRows } from './lib/report-format';
import { type ReloadBenchReport, runReloadBench } from './reload-bench';

export interface ReloadBenchOptions {
  readonly edits: number;
  readonly json: boolean;
}

const program = () =>
  cliProgram(
    'npm run bench:reload --',
    'Times npm start -- --watch in a copy of the project: save → first request on new code (function, layer), save → stack change applied. Asserts nothing.',
  )
    .option('--edits <n>', 'saves of each kind', wholeNumber({ min: 1, max: 50 }), 5)
    .option('--json', 'print one JSON object on stdout (progress goes to stderr); run as `npm run -s bench:reload -- --json`');

export const parseReloadBenchArgs = (args: string[]): ReloadBenchOptions | HelpShown =>
  parseWith(program(), args, (parsed) => {
    const options = parsed.opts<{ edits: number; json?: boolean }>();
    return { edits: options.edits, json: options.json === true };
  });

export const formatReloadBench = (report: ReloadBenchReport): string =>
  formatRows([
    ...report.figures.map(
      (figure) =>
        [
          figure.what,
          `p50 ${figure.p50Ms} ms, max ${figure.maxMs} ms (target ≤ ${figure.targetMs} ms: ${figure.maxMs <= figure.targetMs ? 'met' : 'missed'}); ${figure.samplesMs.join(', ')}`,
        ] as const,
    ),
    ['elapsed', `${report.seconds} s`],
  ]);

const main = async () => {
  const { edits, json } = parseCommandLine(parseReloadBenchArgs);
  const log = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);
  const report = await runReloadBench(edits, log);
  const date = new Date().toISOString().slice(0, 10);
  if (json) process.stdout.write(`${JSON.stringify({ date, ...report }, null, 2)}\n`);
  else process.stdout.write(`\nWatch-mode reloads (${date}, ${edits} saves of each kind)\n${formatReloadBench(report)}\n`);
};

if (require.main === module) runMain('bench:reload', main);
