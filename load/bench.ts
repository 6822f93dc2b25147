import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type OrderMessage, buildOrderMessage, chunk, orderKey, serializeOrderMessage, toOrderItem } from '../shared-layer/src/tooling';
import { EnvironmentBudget, LocalFunction, type Random, derivedRandom, newSeed, resourcesOfType, synthesizeStage } from '../local-runtime';
import { FLOOR_CLIENTS, INIT_FLOOR_RATIO_TARGET, INIT_TARGETS_MS, type SdkClient, buildInitFloor } from './lib/init-floor';
import { throwIfInterrupted } from './lib/interrupt';
import { generateLoad } from './lib/load-generator';
import { type LocalPipeline, startPipeline } from '../local-runtime';
import { forEachConcurrently, generateOrder } from './lib/order-generator';
import { summarizeLatencies } from './lib/percentiles';
import { waitForQuiescence } from './lib/pipeline-checks';
import { ENV } from '../shared-layer/src/tooling';

const PROJECT_ROOT = path.join(__dirname, '..');

/** The consumer setting the latency figure is measured at, and its targets (window + 300 ms, window + 1 s). */
export const LATENCY_SETTING = { batchSize: 100, maxBatchingWindowSeconds: 1, ordersPerSecond: 100 } as const;
export const LATENCY_TARGETS_MS = { p50: 1_300, p99: 2_000 } as const;
/** Local runtime overhead of one warm invoke of an empty handler. */
export const WARM_INVOKE_TARGET_P50_MS = 2;

export interface Throughput {
  readonly count: number;
  readonly seconds: number;
  readonly perSecond: number;
}

export interface BundleFigures {
  readonly function: string;
  readonly bundleBytes: number;
  /** Median time to require the bundle (with the layer on NODE_PATH), Node start-up excluded. */
  readonly initMs: number;
}

/** A function's module init beside its floor: a bare handler creating only the SDK clients the function creates. */
export interface InitVsFloor {
  readonly function: string;
  /** The bundle's initMs (BundleFigures). */
  readonly initMs: number;
  readonly floorClients: readonly SdkClient[];
  /** Median time to require the floor's bundle, measured like initMs. */
  readonly floorMs: number;
  /** initMs / floorMs, to two decimals. */
  readonly ratio: number;
  /** Issue 27's targets, printed beside the figures and never asserted. */
  readonly targetMs: number;
  readonly targetRatio: number;
}

/** Accept → stored (SQS took the message → the consumer batch holding it succeeded) on a paced run. */
export interface AcceptToStored {
  readonly ordersPerSecond: number;
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  /** Orders stored during the run, one sample each. */
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly targetMs: { readonly p50: number; readonly p99: number };
}

/** The local runtime's own time per warm invoke of an empty handler (IPC, queueing, bookkeeping). */
export interface WarmInvoke {
  readonly invokes: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly targetP50Ms: number;
}

export interface BenchOptions {
  /** Fraction of the full work (the CLI's --quick is 0.2). */
  readonly scale?: number;
  /** Seeds every random choice (orders' content, request and message ids); a new one when absent. */
  readonly seed?: number;
}

export interface BenchReport {
  /** Run again with this seed to send the same orders. */
  readonly seed: number;
  readonly floors: { readonly sendMessage: Throughput; readonly sendMessageBatch: Throughput; readonly batchWriteItem: Throughput };
  /**
   * single and batch: through the HTTP front, environments warmed up first. handlerCeiling: our API
   * handler in this process (logs off), 20 requests at a time straight to SQS: what single intake
   * would reach with no HTTP front, IPC or environments at all.
   */
  readonly intake: { readonly single: Throughput; readonly batch: Throughput; readonly handlerCeiling: Throughput };
  readonly latency: AcceptToStored;
  /**
   * ours: the real handler in-process; emulatorCeiling: its request pattern (consistent BatchGetItem of
   * 100 keys, then 4 BatchWriteItem of 25) with the raw SDK and nothing else; naive: a conditional PutItem per message.
   */
  readonly consumer: { readonly ours: Throughput; readonly emulatorCeiling: Throughput; readonly naive: Throughput };
  readonly warmInvoke: WarmInvoke;
  readonly layerBytes: number;
  readonly bundles: readonly BundleFigures[];
  readonly moduleInit: readonly InitVsFloor[];
  readonly ratios: {
    readonly singleIntakeVsSendMessage: number;
    readonly singleIntakeVsHandlerCeiling: number;
    readonly batchIntakeVsSendMessageBatch: number;
    readonly consumerVsBatchWriteItem: number;
    readonly consumerVsEmulatorCeiling: number;
    readonly consumerVsNaive: number;
  };
  /** The whole run, start-up included. */
  readonly seconds: number;
}

/** What an interrupted benchmark had measured (RunInterrupted's partial): the phases it finished, and the one the signal came in. */
export type PartialBench = { -readonly [K in keyof BenchReport]?: BenchReport[K] } & {
  seed: number;
  stoppedDuring: string;
  seconds: number;
};

const timed = async (count: number, work: () => Promise<void>): Promise<Throughput> => {
  const started = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { count, seconds: Math.round(seconds * 100) / 100, perSecond: Math.round(count / seconds) };
};

const ratio = (a: Throughput, b: Throughput) => Math.round((a.perSecond / b.perSecond) * 100) / 100;
const ms = (value: number) => Math.round(value * 100) / 100;

/** The run's random sources, each its own stream of the one seed, so a draw added in one does not shift the others. */
interface BenchRandom {
  readonly orders: Random;
  readonly ids: Random;
}

const randomId = (random: Random) => random().toString(36).slice(2);

const orderMessages = (random: BenchRandom, runId: string, count: number) =>
  Array.from({ length: count }, (_, index) => buildOrderMessage(generateOrder(runId, index, random.orders), new Date()));

/** Orders per second the HTTP front accepted, from autocannon (in a worker thread) with `connections` connections. */
const intake = async (
  apiUrl: string,
  runId: string,
  seed: number,
  sizes: { readonly orders: number; readonly perRequest: number; readonly connections: number; readonly maxSeconds: number },
  signal?: AbortSignal,
): Promise<Throughput> => {
  const { orders, perRequest, connections, maxSeconds } = sizes;
  const result = await generateLoad(
    {
      url: apiUrl,
      runId,
      orders,
      ordersPerRequest: perRequest,
      connections,
      maxSeconds,
      auth: { type: 'headers', headers: { 'content-type': 'application/json' } },
      seed,
    },
    { signal },
  );
  const seconds = Math.max(0.001, result.seconds);
  return {
    count: result.accepted.length,
    seconds: Math.round(seconds * 100) / 100,
    perSecond: Math.round(result.accepted.length / seconds),
  };
};

/** Waits until the pipeline's queue is empty and its consumer quiet, so the next phase has the emulators to itself. */
const drain = (pipeline: LocalPipeline, signal?: AbortSignal) =>
  waitForQuiescence({
    sqs: pipeline.sqs,
    queueUrl: pipeline.runtime.outputs.QueueUrl,
    lastBatchAt: pipeline.lastBatchAt,
    quietMs: 1_500,
    timeoutMs: 3 * 60_000,
    progress: () => undefined,
    signal,
  });

/** Orders paced through the whole pipeline; accept → stored of every one the consumer stored. */
const acceptToStored = async (
  pipeline: LocalPipeline,
  runId: string,
  seed: number,
  orders: number,
  signal?: AbortSignal,
): Promise<AcceptToStored> => {
  const firstBatch = pipeline.batches.length;
  const { accepted } = await generateLoad(
    {
      url: pipeline.runtime.apiUrl,
      runId,
      orders,
      ordersPerRequest: 1,
      connections: 50,
      rate: LATENCY_SETTING.ordersPerSecond,
      evenPace: true,
      auth: { type: 'headers', headers: { 'content-type': 'application/json' } },
      seed,
    },
    { signal },
  );
  const storedSamples = () =>
    pipeline.batches
      .slice(firstBatch)
      .filter((batch) => batch.functionName.includes('Consumer'))
      .flatMap((batch) => batch.sentToDoneMs);
  // The event source reports a batch after it has deleted the batch's records, so the queue can look empty and
  // quiet before the last report: wait for a sample per accepted order first (bounded like the drain).
  const deadline = Date.now() + 3 * 60_000;
  while (storedSamples().length < accepted.length && Date.now() < deadline && !signal?.aborted) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await drain(pipeline, signal);
  const samples = storedSamples();
  const { p50, p99 } = summarizeLatencies(samples);
  return {
    ordersPerSecond: LATENCY_SETTING.ordersPerSecond,
    batchSize: LATENCY_SETTING.batchSize,
    maxBatchingWindowSeconds: LATENCY_SETTING.maxBatchingWindowSeconds,
    samples: samples.length,
    p50Ms: p50,
    p99Ms: p99,
    targetMs: LATENCY_TARGETS_MS,
  };
};

/** Our consumer's request pattern with the raw SDK: consistent BatchGetItem of the 100 keys (orderId only), then BatchWriteItem in 25s. */
const emulatorCeiling =
  (documents: DynamoDBDocumentClient, table: string, events: readonly (readonly OrderMessage[])[], signal?: AbortSignal) => async () => {
    for (const messages of events) {
      if (signal?.aborted) return;
      await documents.send(
        new BatchGetCommand({
          RequestItems: {
            [table]: {
              Keys: messages.map((message) => orderKey(message.order.orderId)),
              ProjectionExpression: '#orderId',
              ExpressionAttributeNames: { '#orderId': 'orderId' },
              ConsistentRead: true,
            },
          },
        }),
      );
      await Promise.all(
        chunk(messages, 25).map((group) =>
          documents.send(
            new BatchWriteCommand({ RequestItems: { [table]: group.map((message) => ({ PutRequest: { Item: toOrderItem(message) } })) } }),
          ),
        ),
      );
    }
  };

/** The API handler in this process, `concurrency` single-order requests at a time: intake without the HTTP front, IPC or environments. */
const apiHandlerCeiling = async (
  random: BenchRandom,
  runId: string,
  orders: number,
  concurrency: number,
  signal?: AbortSignal,
): Promise<Throughput> => {
  const handler = loadHandler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>('api');
  const events = Array.from({ length: orders }, (_, index) =>
    apiEvent(JSON.stringify(generateOrder(runId, index, random.orders)), `bench-${randomId(random.ids)}`),
  );
  let accepted = 0;
  const throughput = await timed(orders, () =>
    forEachConcurrently(events, concurrency, async (event) => {
      if (signal?.aborted) return;
      const response = await handler(event, { ...context(), functionName: 'bench-api' } as Context);
      if (response.statusCode !== 202)
        throw new Error(`the API handler answered ${response.statusCode} in the benchmark: ${response.body}`);
      accepted += 1;
    }),
  );
  return { ...throughput, count: accepted, perSecond: Math.round(accepted / Math.max(0.001, throughput.seconds)) };
};

const apiEvent = (body: string, requestId: string): APIGatewayProxyEventV2 => {
  const now = new Date();
  return {
    version: '2.0',
    routeKey: 'POST /orders',
    rawPath: '/orders',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      domainName: '127.0.0.1',
      domainPrefix: 'bench',
      http: { method: 'POST', path: '/orders', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId,
      routeKey: 'POST /orders',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body,
    isBase64Encoded: false,
  };
};

/** Sequential warm invokes of an empty handler through LocalFunction, timed from the caller's side. */
const warmInvokeOverhead = async (invokes: number, signal?: AbortSignal): Promise<WarmInvoke> => {
  const codeDir = mkdtempSync(path.join(tmpdir(), 'orders-bench-empty-'));
  let fn: LocalFunction | undefined;
  try {
    writeFileSync(path.join(codeDir, 'index.js'), 'exports.handler = async () => ({ statusCode: 200 });\n');
    fn = new LocalFunction(
      {
        logicalId: 'BenchEmptyFunction',
        functionName: 'bench-empty',
        codeDir,
        handler: 'index.handler',
        timeoutSeconds: 3,
        memorySizeMb: 128,
        environment: {},
        modulePaths: [],
        logFile: path.join(codeDir, 'function.log'),
      },
      { budget: new EnvironmentBudget(1, 1) },
    );
    // The first invoke starts the environment (cold); the next ones let both sides' code warm up.
    for (let i = 0; i < 50; i += 1) {
      const outcome = await fn.invoke({});
      if (!outcome.ok) throw new Error(`the empty handler failed: ${outcome.error.errorType}: ${outcome.error.errorMessage}`);
    }
    const samples: number[] = [];
    for (let i = 0; i < invokes && !signal?.aborted; i += 1) {
      const started = process.hrtime.bigint();
      const outcome = await fn.invoke({});
      samples.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (!outcome.ok || outcome.coldStart) throw new Error('a warm invoke of the empty handler failed or started cold');
    }
    const { p50, p99 } = summarizeLatencies(samples);
    return { invokes: samples.length, p50Ms: ms(p50), p99Ms: ms(p99), targetP50Ms: WARM_INVOKE_TARGET_P50_MS };
  } finally {
    await fn?.stop();
    rmSync(codeDir, { recursive: true, force: true });
  }
};

const sqsEvent = (random: BenchRandom, bodies: readonly string[], queueArn: string): SQSEvent => ({
  Records: bodies.map((body, index) => ({
    messageId: `bench-${index}-${randomId(random.ids)}`,
    receiptHandle: 'bench',
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'bench',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'us-east-1',
  })),
});

const context = (): Context =>
  ({ functionName: 'bench-consumer', awsRequestId: 'bench', getRemainingTimeInMillis: () => 30_000 }) as unknown as Context;

/** A real handler, bundled with the layer source inlined so it runs in this process (its env must be set first). */
const loadHandler = <Event, Result>(functionDir: 'api' | 'consumer'): ((event: Event, context: Context) => Promise<Result>) => {
  // Inside the project, so that the SDK (left external, as on Lambda) resolves from its node_modules.
  const outfile = path.join(PROJECT_ROOT, '.local', 'bench', `${functionDir}-bench.js`);
  buildSync({
    entryPoints: [path.join(PROJECT_ROOT, 'functions', functionDir, 'handler.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    alias: { '@orders-pipeline/shared': path.join(PROJECT_ROOT, 'shared-layer', 'src', 'index.ts') },
    external: ['@aws-sdk/*'],
    nodePaths: [path.join(PROJECT_ROOT, 'node_modules')],
    logLevel: 'silent',
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(outfile).handler;
};

/** A variable the stack sets on the consumer function. */
const consumerVariable = (template: Parameters<typeof resourcesOfType>[0], name: string): string => {
  const consumer = resourcesOfType(template, 'AWS::Lambda::Function').find(([logicalId]) => logicalId.startsWith('ConsumerFunction'));
  const value = (consumer?.[1].Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables?.[name];
  if (typeof value !== 'string')
    throw new Error(`the stage's ConsumerFunction sets no ${name}: the benchmark needs it to load the consumer; check infra/stacks`);
  return value;
};

const directorySize = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce(
    (sum, entry) => sum + (entry.isDirectory() ? directorySize(path.join(dir, entry.name)) : statSync(path.join(dir, entry.name)).size),
    0,
  );

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Bundle size and module init time of each function, from the dev stage's synthesized assets, and the init time of
 * each function's floor (load/lib/init-floor.ts), measured the same way in the same rounds.
 */
const bundleFigures = (outdir: string, samples: number): { layerBytes: number; bundles: BundleFigures[]; moduleInit: InitVsFloor[] } => {
  const assembly = synthesizeStage('dev', outdir);
  const [, layer] = resourcesOfType(assembly.template, 'AWS::Lambda::LayerVersion')[0];
  const layerDir = assembly.assetDir(layer.Properties?.Content ?? {});
  const env = {
    ...process.env,
    // The layer, then the SDK the Lambda runtime provides (here: the project's).
    NODE_PATH: [path.join(layerDir, 'nodejs', 'node_modules'), path.join(PROJECT_ROOT, 'node_modules')].join(path.delimiter),
    [ENV.QUEUE_URL]: 'http://127.0.0.1:1/q',
    [ENV.IDEMPOTENCY_TABLE_NAME]: 'bench',
    [ENV.ORDERS_TABLE_NAME]: 'bench',
    [ENV.DEAD_LETTER_QUEUE_URL]: 'http://127.0.0.1:1/dlq',
    AWS_REGION: 'us-east-1',
    [ENV.POWERTOOLS_LOG_LEVEL]: 'SILENT',
  };
  const requireMs = (file: string) =>
    Number(
      execFileSync(
        process.execPath,
        [
          '-e',
          `const t=process.hrtime.bigint();${file ? `require(${JSON.stringify(file)});` : ''}console.log(Number(process.hrtime.bigint()-t)/1e6)`,
        ],
        {
          env,
        },
      ).toString(),
    );
  const functions = resourcesOfType(assembly.template, 'AWS::Lambda::Function').map(([logicalId, fn]) => {
    const name = logicalId.replace(/[0-9A-F]{8}$/, '');
    const file = path.join(assembly.assetDir(fn.Properties?.Code ?? {}), 'index.js');
    return {
      name,
      file,
      floorFile: buildInitFloor(path.join(outdir, 'init-floors'), name),
      initSamples: [] as number[],
      floorSamples: [] as number[],
    };
  });
  // Round after round, each function then its floor, so a change in the machine's load hits both alike.
  for (let round = 0; round < samples; round++) {
    for (const fn of functions) {
      fn.initSamples.push(requireMs(fn.file));
      fn.floorSamples.push(requireMs(fn.floorFile));
    }
  }
  const bundles = functions.map(({ name, file, initSamples }) => ({
    function: name,
    bundleBytes: statSync(file).size,
    initMs: Math.round(median(initSamples) * 10) / 10,
  }));
  const moduleInit = functions.map(({ name, floorSamples }, i): InitVsFloor => {
    const { initMs } = bundles[i];
    const floorMs = Math.round(median(floorSamples) * 100) / 100;
    return {
      function: name,
      initMs,
      floorClients: FLOOR_CLIENTS[name],
      floorMs,
      ratio: Math.round((initMs / floorMs) * 100) / 100,
      targetMs: INIT_TARGETS_MS[name],
      targetRatio: INIT_FLOOR_RATIO_TARGET,
    };
  });
  return { layerBytes: directorySize(layerDir), bundles, moduleInit };
};

/**
 * Every figure of the benchmark, measured in one run on one set of emulators, at `scale` of the full
 * work (a bare number is the scale). When `signal` aborts, the phase at hand stops and RunInterrupted
 * carries a PartialBench.
 */
export const runBench = async (
  log: (line: string) => void,
  options: BenchOptions | number = {},
  signal?: AbortSignal,
): Promise<BenchReport> => {
  const { scale = 1, seed = newSeed() } = typeof options === 'number' ? { scale: options } : options;
  const random: BenchRandom = { orders: derivedRandom(seed, 'orders'), ids: derivedRandom(seed, 'ids') };
  const started = Date.now();
  const runId = `bench-${Date.now().toString(36)}`;
  const n = (count: number) => Math.max(100, Math.round(count * scale));
  let current = 'start-up';
  const report: PartialBench = { seed, stoppedDuring: current, seconds: 0 };
  signal?.addEventListener('abort', () => (report.stoppedDuring = current), { once: true });
  const phase = (name: string) => {
    throwIfInterrupted(signal, () => ({ ...report, seconds: Math.round((Date.now() - started) / 100) / 10 }));
    current = name;
    log(`${name} ...`);
  };
  log('starting the local runtime ...');
  // The dev stage's consumer settings, stated here because the latency figure and its targets depend on them.
  const pipeline = await startPipeline('orders-bench-', {
    eventSourceOverrides: { batchSize: LATENCY_SETTING.batchSize, maxBatchingWindowSeconds: LATENCY_SETTING.maxBatchingWindowSeconds },
    seed,
  });
  const { runtime, sqs, documents } = pipeline;
  const table = runtime.outputs.OrdersTableName;
  try {
    // A queue nobody consumes, so the floors measure SQS alone.
    const floorQueue = runtime.outputs.DeadLetterQueueUrl;
    phase('floor: SendMessage');
    const sendBodies = orderMessages(random, `${runId}-send`, n(2000)).map(serializeOrderMessage);
    const sendMessage = await timed(sendBodies.length, () =>
      forEachConcurrently(
        sendBodies,
        20,
        async (body) => void (await sqs.send(new SendMessageCommand({ QueueUrl: floorQueue, MessageBody: body }))),
      ),
    );
    phase('floor: SendMessageBatch');
    const batchBodies = chunk(orderMessages(random, `${runId}-sendbatch`, n(5000)).map(serializeOrderMessage), 10);
    const sendMessageBatch = await timed(n(5000), () =>
      forEachConcurrently(batchBodies, 20, async (bodies) => {
        await sqs.send(
          new SendMessageBatchCommand({ QueueUrl: floorQueue, Entries: bodies.map((body, i) => ({ Id: String(i), MessageBody: body })) }),
        );
      }),
    );
    phase('floor: BatchWriteItem');
    const items = chunk(orderMessages(random, `${runId}-floor`, n(5000)).map(toOrderItem), 25);
    const batchWriteItem = await timed(n(5000), () =>
      forEachConcurrently(items, 8, async (group) => {
        await documents.send(new BatchWriteCommand({ RequestItems: { [table]: group.map((Item) => ({ PutRequest: { Item } })) } }));
      }),
    );
    report.floors = { sendMessage, sendMessageBatch, batchWriteItem };

    // Each intake phase is bounded in time, so a stuck front cannot stretch the run. The bound is far above what a
    // phase takes (100 orders in well under a second on an idle 2-core machine): a loaded machine (a full test run
    // beside other work) took over 5 s, and a phase cut short would report fewer orders than it was given.
    const intakeSeconds = Math.max(20, Math.round(30 * scale));
    // Functions run in-process below; their environment, as the runtime would give it.
    process.env[ENV.QUEUE_URL] = floorQueue;
    process.env[ENV.IDEMPOTENCY_TABLE_NAME] = 'bench-unused-without-idempotency-key';
    process.env[ENV.ORDERS_TABLE_NAME] = table;
    process.env[ENV.DEAD_LETTER_QUEUE_URL] = runtime.outputs.DeadLetterQueueUrl;
    // The consumer reads it at import (the in-process consumer here, its bundle's module init below): the dev stage's value.
    process.env[ENV.REDELIVERY_FIRST_DELAY_SECONDS] = consumerVariable(runtime.assembly.template, ENV.REDELIVERY_FIRST_DELAY_SECONDS);
    process.env.AWS_ENDPOINT_URL_DYNAMODB = runtime.outputs.DynamoDbEndpoint;
    process.env.AWS_ENDPOINT_URL_SQS = runtime.outputs.SqsEndpoint;
    process.env.AWS_ACCESS_KEY_ID ??= 'local';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
    process.env.AWS_REGION ??= 'us-east-1';
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';

    phase('intake ceiling: our API handler in-process, 20 at a time, straight to SQS');
    const handlerCeiling = await apiHandlerCeiling(random, `${runId}-ceiling-api`, n(2000), 20, signal);
    phase('intake: warming up the API function');
    await intake(
      runtime.apiUrl,
      `${runId}-warmup`,
      seed,
      { orders: 200, perRequest: 1, connections: 20, maxSeconds: intakeSeconds },
      signal,
    );
    phase('intake: POST /orders');
    const single = await intake(
      runtime.apiUrl,
      `${runId}-single`,
      seed,
      { orders: n(2000), perRequest: 1, connections: 20, maxSeconds: intakeSeconds },
      signal,
    );
    phase('intake: POST /orders/batch');
    const batch = await intake(
      runtime.apiUrl,
      `${runId}-batch`,
      seed,
      { orders: n(5000), perRequest: 25, connections: 8, maxSeconds: intakeSeconds },
      signal,
    );
    report.intake = { single, batch, handlerCeiling };

    phase('draining the intake orders');
    await drain(pipeline, signal);
    phase(
      `accept → stored: ${n(2000)} orders at ${LATENCY_SETTING.ordersPerSecond}/s, batch size ${LATENCY_SETTING.batchSize}, window ${LATENCY_SETTING.maxBatchingWindowSeconds} s`,
    );
    report.latency = await acceptToStored(pipeline, `${runId}-latency`, seed, n(2000), signal);

    phase('consumer: ours (in-process, 100 records per event)');
    const handler = loadHandler<SQSEvent, SQSBatchResponse>('consumer');
    const ourEvents = chunk(orderMessages(random, `${runId}-ours`, n(5000)).map(serializeOrderMessage), 100);
    const ours = await timed(n(5000), async () => {
      for (const bodies of ourEvents) {
        if (signal?.aborted) return;
        const { batchItemFailures } = await handler(sqsEvent(random, bodies, 'arn:aws:sqs:us-east-1:000000000000:bench'), context());
        if (batchItemFailures.length > 0) throw new Error(`our consumer failed ${batchItemFailures.length} records in the benchmark`);
      }
    });
    phase('consumer: emulator ceiling (the same requests, raw SDK)');
    const ceiling = await timed(
      n(5000),
      emulatorCeiling(documents, table, chunk(orderMessages(random, `${runId}-ceiling`, n(5000)), 100), signal),
    );
    phase('consumer: naive conditional PutItem per message');
    const naiveEvents = chunk(orderMessages(random, `${runId}-naive`, n(5000)), 100);
    const naive = await timed(n(5000), async () => {
      for (const messages of naiveEvents) {
        if (signal?.aborted) return;
        for (const message of messages) {
          await documents.send(
            new PutCommand({ TableName: table, Item: toOrderItem(message), ConditionExpression: 'attribute_not_exists(PK)' }),
          );
        }
      }
    });
    phase('warm invoke overhead (empty handler)');
    report.consumer = { ours, emulatorCeiling: ceiling, naive };
    report.warmInvoke = await warmInvokeOverhead(n(2000), signal);

    phase('bundles: synthesizing dev and timing module init, each function beside its floor');
    const { layerBytes, bundles, moduleInit } = bundleFigures(path.join(pipeline.dataDir, 'bench-cdk.out'), scale < 1 ? 3 : 5);
    throwIfInterrupted(signal, () => ({ ...report, seconds: Math.round((Date.now() - started) / 100) / 10 }));
    const { floors, intake: intakeFigures, latency, consumer, warmInvoke } = report as Required<PartialBench>;
    return {
      seed,
      floors,
      intake: intakeFigures,
      latency,
      consumer,
      warmInvoke,
      layerBytes,
      bundles,
      moduleInit,
      ratios: {
        singleIntakeVsSendMessage: ratio(intakeFigures.single, floors.sendMessage),
        singleIntakeVsHandlerCeiling: ratio(intakeFigures.single, intakeFigures.handlerCeiling),
        batchIntakeVsSendMessageBatch: ratio(intakeFigures.batch, floors.sendMessageBatch),
        consumerVsBatchWriteItem: ratio(consumer.ours, floors.batchWriteItem),
        consumerVsEmulatorCeiling: ratio(consumer.ours, consumer.emulatorCeiling),
        consumerVsNaive: ratio(consumer.ours, consumer.naive),
      },
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
  } finally {
    await pipeline.stop();
  }
};
