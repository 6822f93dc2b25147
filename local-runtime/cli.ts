import * as path from 'node:path';
import { Option } from 'commander';
import { STAGE_NAMES } from '../infra/config/stages';
import { type HelpShown, UsageError, cliProgram, fraction, parseCommandLine, parseWith, wholeNumber } from '../ops/cli-kit';
import { FAULT_INJECTION_ENV, type FaultConfig, readFaultConfig } from './faults/fault-config';
import { defaultMaxEnvironments } from './lambda/environment-budget';
import { startLocalRuntime } from './local-runtime';
import { type LocalRuntimeOptions, RUNTIME_PORTS, type RuntimePorts, StartOptionsError, validateRuntimeOptions } from './options';
import type { BatchSummary } from './sqs-event-source';
import { startBanner } from './start-banner';
import { watchProject } from './watch/watch-session';

/** What `npm start` runs: the runtime's own options (checked by its schema, options.ts) and the CLI's watch mode. */
export interface StartOptions {
  readonly runtime: LocalRuntimeOptions;
  readonly watch: boolean;
}

/** `--api-port` → `apiPort`: the key commander gives an option's value. */
const optionKey = (flag: string) => flag.replace(/^--/, '').replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

const portOption = ({ flag, what, env, fallback }: (typeof RUNTIME_PORTS)[number]) =>
  new Option(`${flag} <port>`, `${what} port`)
    .argParser(wholeNumber({ min: 0, max: 65535 }))
    .env(env)
    .default(fallback);

const startProgram = () => {
  const program = cliProgram(
    'npm start --',
    'Runs the synthesized stack locally: HTTP API, functions from their bundles, DynamoDB (dynalite), SQS (fauxqs).',
  );
  for (const spec of RUNTIME_PORTS) program.addOption(portOption(spec));
  return program
    .addOption(new Option('--stage <name>', "this project's stage to run (default dev)").choices(STAGE_NAMES).env('ORDERS_LOCAL_STAGE'))
    .addOption(
      new Option(
        '--app <command-or-dir>',
        "run another CDK app instead, as `cdk deploy --app` takes it: a command run in the current folder with its cdk.json's context, a folder with a cdk.json, or a cdk.out",
      ).conflicts('stage'),
    )
    .addOption(
      new Option(
        '--accept-differences',
        'run the stack even where a resource would run differently from AWS (each difference is said at start); refused otherwise',
      ).default(false),
    )
    .addOption(new Option('--stack <name>', "the app's stack to run when it has several (its name or Stage/Stack path)"))
    .addOption(new Option('--data-dir <dir>', 'data, logs, certificate, outputs').env('ORDERS_LOCAL_DATA_DIR').default('.local'))
    .addOption(
      // No environment variable: commander would take ORDERS_LOCAL_WATCH=false as on.
      new Option(
        '--watch',
        'apply saves to functions/, shared-layer/, infra/ and cdk.json to the running pipeline (docs/local-runtime.md)',
      ).default(false),
    )
    .addOption(
      new Option(
        '--max-environments <n>',
        `execution environments all functions may have at once (the account-style limit; default ${defaultMaxEnvironments()} here)`,
      )
        .argParser(wholeNumber({ min: 2 }))
        .env('ORDERS_LOCAL_MAX_ENVIRONMENTS'),
    )
    .addHelpText(
      'after',
      `
The live dashboard (--dashboard-port) shows request rate and latency, queue depth and age, the
DLQ, invocations and batch sizes, orders stored, errors, the last failures and an order search,
and evaluates the template's CloudWatch alarms on them (docs/local-runtime.md, "Live dashboard").

Ctrl-C or SIGTERM stops: new requests are refused, requests and batches in flight finish, then it
exits 0. A second Ctrl-C stops at once. If an emulator dies it is restarted on the same data; if
it keeps dying, npm start stops and exits 1.

Fault injection (see docs/local-runtime.md, "Fault injection"):
  ${FAULT_INJECTION_ENV}='{"throttleRate":0.05,...}'   DynamoDB faults on the wire
  ORDERS_LOCAL_DUPLICATE_RATE=0.1                      fraction of records delivered twice
  ORDERS_LOCAL_SEED=<n>                                seeds the faults' random choices`,
    );
};

/** An environment-only setting through the same parser as an option, its mistakes as usage errors. */
const fromEnv = <T>(name: string, parse: (raw: string) => T): T | undefined => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  try {
    return parse(raw);
  } catch (error) {
    throw new UsageError(`${name} "${raw}" is invalid. ${(error as Error).message}`);
  }
};

/** The command line and the ORDERS_LOCAL_* / fault variables; never exits (see parseCommandLine). */
export const parseStartArgs = (args: string[]): StartOptions | HelpShown =>
  parseWith(startProgram(), args, (program) => {
    const options = program.opts<{
      stage?: string;
      app?: string;
      stack?: string;
      dataDir: string;
      maxEnvironments?: number;
      watch: boolean;
      acceptDifferences: boolean;
      [port: string]: unknown;
    }>();
    if (options.watch && options.app !== undefined) {
      throw new UsageError(
        "--watch rebuilds this project's functions and stack; it does not work with --app. Restart npm start after changing the app.",
      );
    }
    let faults: FaultConfig | undefined;
    try {
      faults = readFaultConfig();
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const runtime: LocalRuntimeOptions = {
      stage: options.app === undefined ? (options.stage ?? 'dev') : undefined,
      app: options.app,
      stack: options.stack,
      // npm runs scripts in the project's root; an app's command runs where npm start was typed, as cdk's would.
      appDir: options.app === undefined ? undefined : (process.env.INIT_CWD ?? process.cwd()),
      acceptDifferences: Boolean(options.acceptDifferences),
      dataDir: path.resolve(options.dataDir),
      ports: Object.fromEntries(RUNTIME_PORTS.map(({ key, flag }) => [key, options[optionKey(flag)]])) as unknown as RuntimePorts,
      maxEnvironments: options.maxEnvironments,
      faults,
      duplicateDeliveryRate: fromEnv('ORDERS_LOCAL_DUPLICATE_RATE', fraction) ?? 0,
      seed: fromEnv('ORDERS_LOCAL_SEED', wholeNumber({ min: 0 })),
    };
    try {
      validateRuntimeOptions(runtime);
    } catch (error) {
      if (!(error instanceof StartOptionsError)) throw error;
      throw new UsageError(error.message);
    }
    return { runtime, watch: Boolean(options.watch) };
  });

const PROJECT_ROOT = path.join(__dirname, '..');
const timestamp = () => new Date().toISOString().slice(11, 23);
const log = (line: string) => process.stdout.write(`${timestamp()} ${line}\n`);

/** The consumer's own account of a batch (its EMF metrics) beside what the event source saw. */
const describeBatch = (batch: BatchSummary): string => {
  const retries = batch.receiveCounts.filter((count) => count > 1).length;
  const { ordersStored, duplicatesSkipped, sentToDlq } = batch.metrics;
  const outcome =
    ordersStored === undefined
      ? `${batch.succeeded} succeeded`
      : `${ordersStored} written, ${duplicatesSkipped ?? 0} already stored, ${sentToDlq ?? 0} dead-lettered`;
  return (
    `batch ${batch.functionName.replace(/^.*-/, '')}: ${batch.records} records, ${outcome}, ` +
    `${batch.failed} failed, ${batch.durationMs} ms${batch.coldStart ? ' (cold start)' : ''}` +
    (retries ? `, ${retries} redelivered` : '') +
    (batch.error ? ` — ${batch.error}` : '')
  );
};

const main = async () => {
  const { runtime: runtimeOptions, watch } = parseCommandLine(parseStartArgs);
  const { stage, faults: faultInjection, duplicateDeliveryRate: duplicateRate = 0, dataDir } = runtimeOptions;
  const started = Date.now();
  let signalled: string | undefined;
  // Until the runtime is up, a signal only marks that it must stop as soon as it is.
  const earlySignal = (signal: string) => (signalled = signal);
  process.on('SIGINT', earlySignal);
  process.on('SIGTERM', earlySignal);
  const runtime = await startLocalRuntime({ ...runtimeOptions, log });
  process.off('SIGINT', earlySignal);
  process.off('SIGTERM', earlySignal);
  if (faultInjection || duplicateRate > 0) {
    log(
      `FAULT INJECTION ON: DynamoDB ${JSON.stringify(faultInjection ?? {})}, duplicate deliveries ${duplicateRate}, ` +
        `seed ${runtime.seed} (replay with ORDERS_LOCAL_SEED=${runtime.seed})`,
    );
  }
  runtime.events.on('batch', (batch) => log(describeBatch(batch)));
  process.stdout.write(
    startBanner({
      runtime,
      stage,
      readySeconds: (Date.now() - started) / 1000,
      watch,
      cwd: process.cwd(),
      sampleOrderFile: path.join(PROJECT_ROOT, 'test', 'events', 'order.json'),
    }),
  );
  const session = watch && stage ? await watchProject({ runtime, projectRoot: PROJECT_ROOT, stage, dataDir, log }) : undefined;

  let stoppingSince: number | undefined;
  const shutdown = async (reason: string, exitCode: number) => {
    if (stoppingSince !== undefined) {
      // npm forwards the terminal's Ctrl-C that this process already got: only a later one forces.
      if (Date.now() - stoppingSince > 1_000) {
        log(`${reason} again: stopping at once`);
        process.exit(exitCode === 0 ? 130 : exitCode);
      }
      return;
    }
    stoppingSince = Date.now();
    log(`${reason}: refusing new requests, letting requests and batches in flight finish ...`);
    await session?.stop();
    await runtime.stop();
    session?.cleanUp();
    log('stopped');
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void shutdown('SIGINT', 0));
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  // A bug in the runtime must not leave a half-dead runtime: say so, stop in order, exit 1.
  const onBug = (error: unknown) => {
    process.stderr.write(`\nnpm start hit an unexpected error (please report it): ${(error as Error)?.stack ?? String(error)}\n`);
    void shutdown('unexpected error', 1);
  };
  process.on('uncaughtException', onBug);
  process.on('unhandledRejection', onBug);
  runtime.events.on('fatal', (error) => {
    process.stderr.write(`\nnpm start cannot go on: ${error.message}\n`);
    void shutdown('emulator failure', 1);
  });
  if (signalled) void shutdown(signalled, 0);
};

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`\nnpm start failed: ${error.message}\n`);
    process.exit(1);
  });
}
