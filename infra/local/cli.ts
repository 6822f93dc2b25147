import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { STAGE_NAMES } from '../config/stages';
import { FAULT_INJECTION_ENV, readFaultConfig } from './faults/fault-config';
import { defaultMaxEnvironments } from './lambda/environment-budget';
import { startLocalRuntime } from './local-runtime';
import { BatchSummary } from './sqs-event-source';

const USAGE = `Usage: npm start -- [options]

Runs the synthesized stack locally: HTTP API, functions from their bundles, DynamoDB (dynalite), SQS (fauxqs).

Options (environment variable in brackets):
  --stage <name>          stage to run: ${STAGE_NAMES.join(', ')} (default dev)      [ORDERS_LOCAL_STAGE]
  --api-port <port>       HTTP API port (default 3000)                 [ORDERS_LOCAL_API_PORT]
  --https-port <port>     HTTPS API port (default 3443)                [ORDERS_LOCAL_HTTPS_PORT]
  --dynamodb-port <port>  DynamoDB port (default 8000)                 [ORDERS_LOCAL_DYNAMODB_PORT]
  --sqs-port <port>       SQS port (default 4566)                      [ORDERS_LOCAL_SQS_PORT]
  --data-dir <dir>        data, logs, certificate, outputs (default .local) [ORDERS_LOCAL_DATA_DIR]
  --max-environments <n>  execution environments all functions may have at once
                          (the account-style limit; default ${defaultMaxEnvironments()} here)  [ORDERS_LOCAL_MAX_ENVIRONMENTS]
  -h, --help              show this help

Ctrl-C or SIGTERM stops: new requests are refused, requests and batches in flight finish, then it
exits 0. A second Ctrl-C stops at once. If an emulator dies it is restarted on the same data; if
it keeps dying, npm start stops and exits 1.

Fault injection (see docs/local-runtime.md, "Fault injection"):
  ${FAULT_INJECTION_ENV}='{"throttleRate":0.05,...}'   DynamoDB faults on the wire
  ORDERS_LOCAL_DUPLICATE_RATE=0.1                      fraction of records delivered twice
  ORDERS_LOCAL_SEED=<n>                                seeds the faults' random choices`;

const fail = (message: string): never => {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
};

const portOption = (value: string | undefined, envName: string, fallback: number): number => {
  const raw = value ?? process.env[envName];
  if (raw === undefined) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`Invalid port "${raw}": use a number from 0 to 65535.`);
  return port;
};

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        stage: { type: 'string' },
        'api-port': { type: 'string' },
        'https-port': { type: 'string' },
        'dynamodb-port': { type: 'string' },
        'sqs-port': { type: 'string' },
        'data-dir': { type: 'string' },
        'max-environments': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return fail((error as Error).message);
  }
})();
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const stage = values.stage ?? process.env.ORDERS_LOCAL_STAGE ?? 'dev';
if (!(STAGE_NAMES as string[]).includes(stage)) fail(`Unknown stage "${stage}". Valid stages: ${STAGE_NAMES.join(', ')}.`);
const dataDir = path.resolve(values['data-dir'] ?? process.env.ORDERS_LOCAL_DATA_DIR ?? '.local');

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

const faultInjection = (() => {
  try {
    return readFaultConfig();
  } catch (error) {
    return fail((error as Error).message);
  }
})();
const duplicateRate = Number(process.env.ORDERS_LOCAL_DUPLICATE_RATE ?? 0);
if (!(duplicateRate >= 0 && duplicateRate <= 1)) fail('ORDERS_LOCAL_DUPLICATE_RATE must be a fraction from 0 to 1.');

const seedOption = (() => {
  const raw = process.env.ORDERS_LOCAL_SEED;
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) fail(`Invalid ORDERS_LOCAL_SEED "${raw}": use a whole number (printed by an earlier run).`);
  return value;
})();

const maxEnvironments = (() => {
  const raw = values['max-environments'] ?? process.env.ORDERS_LOCAL_MAX_ENVIRONMENTS;
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 2) fail(`Invalid --max-environments "${raw}": use a whole number of at least 2.`);
  return value;
})();

const main = async () => {
  const started = Date.now();
  let signalled: string | undefined;
  // Until the runtime is up, a signal only marks that it must stop as soon as it is.
  const earlySignal = (signal: string) => (signalled = signal);
  process.on('SIGINT', earlySignal);
  process.on('SIGTERM', earlySignal);
  const runtime = await startLocalRuntime({
    stage,
    dataDir,
    ports: {
      http: portOption(values['api-port'], 'ORDERS_LOCAL_API_PORT', 3000),
      https: portOption(values['https-port'], 'ORDERS_LOCAL_HTTPS_PORT', 3443),
      dynamodb: portOption(values['dynamodb-port'], 'ORDERS_LOCAL_DYNAMODB_PORT', 8000),
      sqs: portOption(values['sqs-port'], 'ORDERS_LOCAL_SQS_PORT', 4566),
    },
    faults: faultInjection,
    duplicateDeliveryRate: duplicateRate,
    seed: seedOption,
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
  const { outputs } = runtime;
  const sample = path.relative(process.cwd(), path.join(__dirname, '..', '..', 'test', 'events', 'order.json'));
  process.stdout.write(`
orders-pipeline ${stage} is running locally (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)

  API        ${runtime.apiUrl}/orders
             ${runtime.apiHttpsUrl}/orders  (self-signed: curl --cacert ${path.relative(process.cwd(), runtime.certificateFile)})
  DynamoDB   ${outputs.DynamoDbEndpoint}  table ${outputs.OrdersTableName}
  SQS        ${outputs.SqsEndpoint}  queue ${outputs.QueueUrl}
  DLQ        ${outputs.DeadLetterQueueUrl}
  Outputs    ${path.relative(process.cwd(), runtime.outputsFile)}
  Logs       ${path.relative(process.cwd(), runtime.logDir)}/

Try it:
  curl -i -X POST ${runtime.apiUrl}/orders -H 'content-type: application/json' -d @${sample}
  AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=us-east-1 \\
    aws --endpoint-url ${outputs.DynamoDbEndpoint} dynamodb scan --table-name ${outputs.OrdersTableName}

Ctrl-C stops (in-flight batches finish first). One line per consumer batch follows.
`);

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
    await runtime.stop();
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

main().catch((error: Error) => {
  process.stderr.write(`\nnpm start failed: ${error.message}\n`);
  process.exit(1);
});
