import * as path from 'node:path';
import { Option } from 'commander';
import { STAGE_NAMES } from '../infra/config/stages';
import { type HelpShown, UsageError, cliProgram, fraction, parseCommandLine, parseWith, wholeNumber } from '../ops/cli-kit';
import { FAULT_INJECTION_ENV, type FaultConfig, readFaultConfig } from './faults/fault-config';
import { defaultMaxEnvironments } from './lambda/environment-budget';
import { startLocalRuntime } from './local-runtime';
import type { BatchSummary } from './sqs-event-source';
import { startBanner } from './start-banner';
import { watchProject } from './watch/watch-session';

export interface StartOptions {
  /** This project's stage to run; absent with `app`. */
  readonly stage?: string;
  /** Another CDK app to run (the CDK CLI's --app), and its stack to pick. */
  readonly app?: string;
  readonly stack?: string;
  readonly dataDir: string;
  readonly ports: {
    readonly http: number;
    readonly https: number;
    readonly dynamodb: number;
    readonly sqs: number;
    readonly dashboard: number;
  };
  readonly maxEnvironments?: number;
  readonly faults?: FaultConfig;
  readonly duplicateRate: number;
  readonly seed?: number;
  readonly watch: boolean;
  readonly acceptDifferences: boolean;
}

const port = (flags: string, description: string, env: string, fallback: number) =>
  new Option(flags, description)
    .argParser(wholeNumber({ min: 0, max: 65535 }))
    .env(env)
    .default(fallback);

const startProgram = () =>
  cliProgram(
    'npm start --',
    'Runs the synthesized stack locally: HTTP API, functions from their bundles, DynamoDB (dynalite), SQS (fauxqs).',
  )
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
    .addOption(port('--api-port <port>', 'HTTP API port', 'ORDERS_LOCAL_API_PORT', 3000))
    .addOption(port('--https-port <port>', 'HTTPS API port', 'ORDERS_LOCAL_HTTPS_PORT', 3443))
    .addOption(port('--dynamodb-port <port>', 'DynamoDB port', 'ORDERS_LOCAL_DYNAMODB_PORT', 8000))
    .addOption(port('--sqs-port <port>', 'SQS port', 'ORDERS_LOCAL_SQS_PORT', 4566))
    .addOption(
      port(
        '--dashboard-port <port>',
        "live dashboard port: metrics, the template's alarms evaluated locally, last failures, order search",
        'ORDERS_LOCAL_DASHBOARD_PORT',
        3001,
      ),
    )
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
      apiPort: number;
      httpsPort: number;
      dynamodbPort: number;
      sqsPort: number;
      dashboardPort: number;
      dataDir: string;
      maxEnvironments?: number;
      watch: boolean;
      acceptDifferences: boolean;
    }>();
    if (options.stack !== undefined && options.app === undefined) {
      throw new UsageError('--stack picks one stack of an app given with --app; pass --app too.');
    }
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
    return {
      stage: options.app === undefined ? (options.stage ?? 'dev') : undefined,
      app: options.app,
      stack: options.stack,
      dataDir: path.resolve(options.dataDir),
      ports: {
        http: options.apiPort,
        https: options.httpsPort,
        dynamodb: options.dynamodbPort,
        sqs: options.sqsPort,
        dashboard: options.dashboardPort,
      },
      maxEnvironments: options.maxEnvironments,
      faults,
      duplicateRate: fromEnv('ORDERS_LOCAL_DUPLICATE_RATE', fraction) ?? 0,
      seed: fromEnv('ORDERS_LOCAL_SEED', wholeNumber({ min: 0 })),
      watch: Boolean(options.watch),
      acceptDifferences: Boolean(options.acceptDifferences),
    };
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
  const {
    stage,
    app,
    stack,
    dataDir,
    ports,
    faults: faultInjection,
    duplicateRate,
    seed,
    maxEnvironments,
    watch,
    acceptDifferences,
  } = parseCommandLine(parseStartArgs);
  const started = Date.now();
  let signalled: string | undefined;
  // Until the runtime is up, a signal only marks that it must stop as soon as it is.
  const earlySignal = (signal: string) => (signalled = signal);
  process.on('SIGINT', earlySignal);
  process.on('SIGTERM', earlySignal);
  const runtime = await startLocalRuntime({
    stage,
    app,
    stack,
    // npm runs scripts in the project's root; an app's command runs where npm start was typed, as cdk's would.
    appDir: process.env.INIT_CWD ?? process.cwd(),
    acceptDifferences,
    dataDir,
    ports,
    faults: faultInjection,
    duplicateDeliveryRate: duplicateRate,
    seed,
    maxEnvironments,
    log,
  });
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
