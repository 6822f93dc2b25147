import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { buildOrderMessage, chunk, serializeOrderMessage, toOrderItem } from '../shared-layer/src';
import { resourcesOfType, synthesizeStage } from '../infra/local/cloud-assembly';
import { generateLoad } from './lib/load-generator';
import { startLocalPipeline } from './lib/local-pipeline';
import { forEachConcurrently, generateOrder } from './lib/order-generator';

const PROJECT_ROOT = path.join(__dirname, '..');

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

export interface BenchReport {
  readonly floors: { readonly sendMessage: Throughput; readonly sendMessageBatch: Throughput; readonly batchWriteItem: Throughput };
  readonly intake: { readonly single: Throughput; readonly batch: Throughput };
  readonly consumer: { readonly ours: Throughput; readonly naive: Throughput };
  readonly layerBytes: number;
  readonly bundles: readonly BundleFigures[];
}

const timed = async (count: number, work: () => Promise<void>): Promise<Throughput> => {
  const started = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { count, seconds: Math.round(seconds * 100) / 100, perSecond: Math.round(count / seconds) };
};

const orderMessages = (runId: string, count: number) =>
  Array.from({ length: count }, (_, index) => buildOrderMessage(generateOrder(runId, index), new Date()));

/** Orders per second the HTTP front accepted, from autocannon (in a worker thread) with `connections` connections. */
const intake = async (apiUrl: string, runId: string, orders: number, perRequest: number, connections: number): Promise<Throughput> => {
  const result = await generateLoad({
    url: apiUrl,
    runId,
    orders,
    ordersPerRequest: perRequest,
    connections,
    auth: { type: 'headers', headers: { 'content-type': 'application/json' } },
  });
  const seconds = Math.max(0.001, result.seconds);
  return { count: result.accepted.length, seconds: Math.round(seconds * 100) / 100, perSecond: Math.round(result.accepted.length / seconds) };
};

const sqsEvent = (bodies: readonly string[], queueArn: string): SQSEvent => ({
  Records: bodies.map((body, index) => ({
    messageId: `bench-${index}-${Math.random().toString(36).slice(2)}`,
    receiptHandle: 'bench',
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()), SenderId: 'bench', ApproximateFirstReceiveTimestamp: String(Date.now()) },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'us-east-1',
  })),
});

const context = (): Context =>
  ({ functionName: 'bench-consumer', awsRequestId: 'bench', getRemainingTimeInMillis: () => 30_000 }) as unknown as Context;

/** The real consumer handler, bundled with the layer source inlined so it runs in this process. */
const loadConsumerHandler = (): ((event: SQSEvent, context: Context) => Promise<SQSBatchResponse>) => {
  // Inside the project, so that the SDK (left external, as on Lambda) resolves from its node_modules.
  const outfile = path.join(PROJECT_ROOT, '.local', 'bench', 'consumer-bench.js');
  buildSync({
    entryPoints: [path.join(PROJECT_ROOT, 'functions', 'consumer', 'handler.ts')],
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

const directorySize = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce(
    (sum, entry) => sum + (entry.isDirectory() ? directorySize(path.join(dir, entry.name)) : statSync(path.join(dir, entry.name)).size),
    0,
  );

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Bundle size and module init time of each function, from the dev stage's synthesized assets. */
const bundleFigures = (outdir: string): { layerBytes: number; bundles: BundleFigures[] } => {
  const assembly = synthesizeStage('dev', outdir);
  const [, layer] = resourcesOfType(assembly.template, 'AWS::Lambda::LayerVersion')[0];
  const layerDir = assembly.assetDir(layer.Properties?.Content ?? {});
  const env = {
    ...process.env,
    // The layer, then the SDK the Lambda runtime provides (here: the project's).
    NODE_PATH: [path.join(layerDir, 'nodejs', 'node_modules'), path.join(PROJECT_ROOT, 'node_modules')].join(path.delimiter),
    QUEUE_URL: 'http://127.0.0.1:1/q',
    IDEMPOTENCY_TABLE_NAME: 'bench',
    ORDERS_TABLE_NAME: 'bench',
    DEAD_LETTER_QUEUE_URL: 'http://127.0.0.1:1/dlq',
    AWS_REGION: 'us-east-1',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  };
  const requireMs = (file: string) =>
    Number(
      execFileSync(process.execPath, ['-e', `const t=process.hrtime.bigint();${file ? `require(${JSON.stringify(file)});` : ''}console.log(Number(process.hrtime.bigint()-t)/1e6)`], {
        env,
      }).toString(),
    );
  const bundles = resourcesOfType(assembly.template, 'AWS::Lambda::Function').map(([logicalId, fn]) => {
    const file = path.join(assembly.assetDir(fn.Properties?.Code ?? {}), 'index.js');
    return {
      function: logicalId.replace(/[0-9A-F]{8}$/, ''),
      bundleBytes: statSync(file).size,
      initMs: Math.round(median(Array.from({ length: 5 }, () => requireMs(file))) * 10) / 10,
    };
  });
  return { layerBytes: directorySize(layerDir), bundles };
};

/** Every figure of the benchmark, measured in one run on one set of emulators. */
export const runBench = async (log: (line: string) => void, scale = 1): Promise<BenchReport> => {
  const runId = `bench-${Date.now().toString(36)}`;
  log('starting the local runtime ...');
  const pipeline = await startLocalPipeline('orders-bench-');
  const { runtime, sqs, documents } = pipeline;
  const table = runtime.outputs.OrdersTableName;
  const n = (count: number) => Math.max(100, Math.round(count * scale));
  try {
    // A queue nobody consumes, so the floors measure SQS alone.
    const floorQueue = runtime.outputs.DeadLetterQueueUrl;
    log('floor: SendMessage ...');
    const sendBodies = orderMessages(`${runId}-send`, n(2000)).map(serializeOrderMessage);
    const sendMessage = await timed(sendBodies.length, () =>
      forEachConcurrently(sendBodies, 20, async (body) => void (await sqs.send(new SendMessageCommand({ QueueUrl: floorQueue, MessageBody: body })))),
    );
    log('floor: SendMessageBatch ...');
    const batchBodies = chunk(orderMessages(`${runId}-sendbatch`, n(5000)).map(serializeOrderMessage), 10);
    const sendMessageBatch = await timed(n(5000), () =>
      forEachConcurrently(batchBodies, 20, async (bodies) => {
        await sqs.send(new SendMessageBatchCommand({ QueueUrl: floorQueue, Entries: bodies.map((body, i) => ({ Id: String(i), MessageBody: body })) }));
      }),
    );
    log('floor: BatchWriteItem ...');
    const items = chunk(orderMessages(`${runId}-floor`, n(5000)).map(toOrderItem), 25);
    const batchWriteItem = await timed(n(5000), () =>
      forEachConcurrently(items, 8, async (group) => {
        await documents.send(new BatchWriteCommand({ RequestItems: { [table]: group.map((Item) => ({ PutRequest: { Item } })) } }));
      }),
    );

    log('intake: POST /orders and POST /orders/batch ...');
    const single = await intake(runtime.apiUrl, `${runId}-single`, n(2000), 1, 20);
    const batch = await intake(runtime.apiUrl, `${runId}-batch`, n(5000), 25, 8);

    log('consumer: ours (in-process, 100 records per event) vs a per-message conditional PutItem consumer ...');
    process.env.ORDERS_TABLE_NAME = table;
    process.env.DEAD_LETTER_QUEUE_URL = runtime.outputs.DeadLetterQueueUrl;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = runtime.outputs.DynamoDbEndpoint;
    process.env.AWS_ENDPOINT_URL_SQS = runtime.outputs.SqsEndpoint;
    process.env.AWS_ACCESS_KEY_ID ??= 'local';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
    process.env.AWS_REGION ??= 'us-east-1';
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    const handler = loadConsumerHandler();
    const ourEvents = chunk(orderMessages(`${runId}-ours`, n(5000)).map(serializeOrderMessage), 100);
    const ours = await timed(n(5000), async () => {
      for (const bodies of ourEvents) {
        const { batchItemFailures } = await handler(sqsEvent(bodies, 'arn:aws:sqs:us-east-1:000000000000:bench'), context());
        if (batchItemFailures.length > 0) throw new Error(`our consumer failed ${batchItemFailures.length} records in the benchmark`);
      }
    });
    const naiveEvents = chunk(orderMessages(`${runId}-naive`, n(5000)), 100);
    const naive = await timed(n(5000), async () => {
      for (const messages of naiveEvents) {
        for (const message of messages) {
          await documents.send(new PutCommand({ TableName: table, Item: toOrderItem(message), ConditionExpression: 'attribute_not_exists(PK)' }));
        }
      }
    });

    log('bundles: synthesizing dev and timing module init ...');
    const { layerBytes, bundles } = bundleFigures(path.join(pipeline.dataDir, 'bench-cdk.out'));
    return { floors: { sendMessage, sendMessageBatch, batchWriteItem }, intake: { single, batch }, consumer: { ours, naive }, layerBytes, bundles };
  } finally {
    await pipeline.stop();
  }
};
