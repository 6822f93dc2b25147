import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { SQSClient } from '@aws-sdk/client-sqs';
import { OrderRequest } from '@orders-pipeline/shared';
import { inspectDeadLetters } from '../../ops/dlq/inspect';
import { MAX_RECEIVES_REASON } from '../../ops/dlq/dead-letter-view';
import { redriveByCopy } from '../../ops/dlq/redrive-by-copy';
import { queueDepth } from '../../ops/pipeline-target';
import { scanOrders, verifyStoredOrders } from '../../load/lib/pipeline-checks';
import { sampleOrder } from '../support/fixtures';
import { NO_FAULTS } from '../../infra/local/faults/fault-config';
import { RuntimeHarness, eventually } from '../support/local-runtime-harness';

const ORDER_COUNT = 25;
const PREFIX = 'dlq-it-';
const orders: OrderRequest[] = Array.from({ length: ORDER_COUNT }, (_, index) =>
  sampleOrder({ orderId: `${PREFIX}${String(index).padStart(2, '0')}`, customerId: `customer-${index}` }),
);
const orderIds = orders.map((order) => order.orderId as string);
const PROJECT_ROOT = path.join(__dirname, '..', '..');

/** A client on the same endpoint whose first DeleteMessageBatch fails, as if the process died between copy and delete. */
const clientThatLosesFirstDelete = (endpoint: string): SQSClient => {
  const client = new SQSClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, useQueueUrlAsEndpoint: false });
  let failedOnce = false;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'DeleteMessageBatchCommand' && !failedOnce) {
        failedOnce = true;
        throw Object.assign(new Error('socket hang up'), { name: 'NetworkingError' });
      }
      return next(args);
    },
    { step: 'initialize', name: 'loseFirstDelete' },
  );
  return client;
};

describe('DLQ inspect and redrive on the local runtime', () => {
  // Phase 1: DynamoDB never takes these orders, so SQS dead-letters them after maxReceiveCount receives.
  const failing = new RuntimeHarness({
    visibilityTimeoutSeconds: 4,
    timeoutOverrides: { ConsumerFunction: 3 },
    faults: { ...NO_FAULTS, unprocessedOrderIds: orderIds },
  });
  // Phase 2: the same data directory, faults off.
  let healthy: RuntimeHarness;

  afterAll(async () => {
    await failing.stop().catch(() => undefined);
    await healthy?.stop();
    failing.removeData();
  }, 30_000);

  it('dead-letters orders the consumer keeps failing on, lists them without consuming them, then redrives every one exactly once, across an interruption and a lost delete', async () => {
    await failing.start();
    const response = await fetch(`${failing.runtime.apiUrl}/orders/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orders }),
    });
    expect(response.status).toBe(202);
    await eventually('all orders in the DLQ', async () => (await queueDepth(failing.sqs, failing.outputs.DeadLetterQueueUrl)).visible === ORDER_COUNT, 60_000);

    const inspection = await inspectDeadLetters({ sqs: failing.sqs, deadLetterQueueUrl: failing.outputs.DeadLetterQueueUrl, limit: 100 });
    expect(inspection.countsByReason).toEqual({ [MAX_RECEIVES_REASON]: ORDER_COUNT });
    expect(inspection.messages.map((message) => message.orderId).sort()).toEqual(orderIds);
    expect(await queueDepth(failing.sqs, failing.outputs.DeadLetterQueueUrl)).toEqual({ visible: ORDER_COUNT, delayed: 0, inFlight: 0 });
    await failing.stop();

    healthy = await failing.onSameData().start();
    const { DeadLetterQueueUrl, QueueUrl } = healthy.outputs;

    // Interrupted after its first batch of 10: those are moved, the rest stay in the DLQ, visible.
    const interrupt = new AbortController();
    const interrupted = await redriveByCopy({
      sqs: healthy.sqs,
      deadLetterQueueUrl: DeadLetterQueueUrl,
      queueUrl: QueueUrl,
      signal: interrupt.signal,
      onProgress: () => interrupt.abort(),
    });
    expect(interrupted).toEqual({ moved: 10, skipped: 0, failed: 0 });
    expect(await queueDepth(healthy.sqs, DeadLetterQueueUrl)).toEqual({ visible: ORDER_COUNT - 10, delayed: 0, inFlight: 0 });

    // The first batch's copies are queued but their delete is lost: they stay in the DLQ.
    const flaky = clientThatLosesFirstDelete(healthy.outputs.SqsEndpoint);
    const lostDelete = await redriveByCopy({ sqs: flaky, deadLetterQueueUrl: DeadLetterQueueUrl, queueUrl: QueueUrl });
    flaky.destroy();
    expect(lostDelete).toEqual({ moved: 5, skipped: 0, failed: 10 });
    expect(await queueDepth(healthy.sqs, DeadLetterQueueUrl)).toEqual({ visible: 10, delayed: 0, inFlight: 0 });

    // The operator runs the CLI again: the 10 are copied a second time.
    const { stdout } = await promisify(execFile)(
      path.join(PROJECT_ROOT, 'node_modules', '.bin', 'ts-node'),
      ['--transpile-only', 'ops/dlq-cli.ts', 'redrive', '--local', '--outputs', healthy.runtime.outputsFile],
      { cwd: PROJECT_ROOT },
    );
    expect(stdout).toMatch(/moved 10, skipped 0, failed 0/);

    await eventually('every order stored', async () => (await scanOrders(healthy.documents, healthy.outputs.OrdersTableName, PREFIX)).length === ORDER_COUNT, 30_000);
    await eventually('the queue drained', async () => {
      const depth = await queueDepth(healthy.sqs, QueueUrl);
      return depth.visible + depth.inFlight === 0;
    });
    const verification = verifyStoredOrders(
      new Map(orders.map((order) => [order.orderId as string, order])),
      await scanOrders(healthy.documents, healthy.outputs.OrdersTableName, PREFIX),
    );
    expect(verification).toEqual({ missing: [], differing: [], unexpected: [], storedTwice: [] });
    // 10 orders were delivered twice (the lost delete); the consumer stored each once.
    expect(healthy.batches.reduce((sum, batch) => sum + batch.records, 0)).toBe(ORDER_COUNT + 10);
    expect(await queueDepth(healthy.sqs, DeadLetterQueueUrl)).toEqual({ visible: 0, delayed: 0, inFlight: 0 });
  }, 150_000);
});

describe('npm run dlq (command line)', () => {
  const dlq = (...args: string[]) =>
    promisify(execFile)(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'ts-node'), ['--transpile-only', 'ops/dlq-cli.ts', ...args], { cwd: PROJECT_ROOT }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );

  it('answers a call without --local or --stage with exit 2 and the usage', async () => {
    const result = await dlq('inspect');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Say where, once: --local .* or --stage <name>/);
    expect(result.stderr).toMatch(/Usage: npm run dlq/);
  }, 30_000);

  it('says to run npm start when there is no local pipeline', async () => {
    const result = await dlq('redrive', '--local', '--outputs', path.join(PROJECT_ROOT, '.no-such-dir', 'outputs.json'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/does not exist: start the local pipeline with "npm start" first/);
  }, 30_000);
});
