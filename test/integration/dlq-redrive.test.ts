import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { PurgeQueueCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DEAD_LETTER_ATTRIBUTES,
  ENV,
  type Order,
  type OrderRequest,
  buildOrderMessage,
  serializeOrderMessage,
} from '@orders-pipeline/shared';
import { inspectDeadLetters } from '../../ops/dlq/inspect';
import { MAX_RECEIVES_REASON } from '../../ops/dlq/dead-letter-view';
import { redriveByCopy } from '../../ops/dlq/redrive-by-copy';
import { queueDepth } from '../../ops/pipeline-target';
import { scanOrders, verifyStoredOrders } from '../../load/lib/pipeline-checks';
import { sampleOrder } from '../support/fixtures';
import { NO_FAULTS } from '../../local-runtime';
import { RuntimeHarness, eventually, runtimeForSuite } from '../support/local-runtime-harness';

const PROJECT_ROOT = path.join(__dirname, '..', '..');
const TS_NODE = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'ts-node');

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run dlq -- <args>` without a terminal, as from CI or cron. */
const dlq = (...args: string[]): Promise<CliResult> =>
  promisify(execFile)(TS_NODE, ['--transpile-only', 'ops/dlq-cli.ts', ...args], { cwd: PROJECT_ROOT }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );

const ordersWithPrefix = (prefix: string, count: number): Order[] =>
  Array.from({ length: count }, (_, index) =>
    sampleOrder({ orderId: `${prefix}${String(index).padStart(2, '0')}`, customerId: `customer-${index}` }),
  );

const byId = (orders: readonly OrderRequest[]) => new Map(orders.map((order) => [order.orderId as string, order]));

/** A client on the same endpoint whose first DeleteMessageBatch fails, as if the process died between copy and delete. */
const clientThatLosesFirstDelete = (endpoint: string): SQSClient => {
  const client = new SQSClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    useQueueUrlAsEndpoint: false,
  });
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

describe('DLQ of a pipeline whose DynamoDB never takes some orders', () => {
  const PREFIX = 'dlq-it-';
  const ORDER_COUNT = 25;
  const orders = ordersWithPrefix(PREFIX, ORDER_COUNT);
  const orderIds = orders.map((order) => order.orderId);
  // DynamoDB never takes these orders, so SQS dead-letters them after maxReceiveCount receives.
  const failing = new RuntimeHarness({
    visibilityTimeoutSeconds: 4,
    timeoutOverrides: { ConsumerFunction: 3 },
    // The redelivery backoff shortened from the stage's 10-minute storm to 1 s, 2 s, 4 s as well.
    environmentOverrides: { ConsumerFunction: { [ENV.REDELIVERY_FIRST_DELAY_SECONDS]: '1' } },
    faults: { ...NO_FAULTS, unprocessedOrderIds: orderIds },
  });
  // The same data directory, faults off: what an operator redrives into once the cause is fixed.
  let healthy: RuntimeHarness;

  beforeAll(async () => {
    await failing.start();
    const response = await fetch(`${failing.runtime.apiUrl}/orders/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orders }),
    });
    expect(response.status).toBe(202);
    await eventually(
      'all orders in the DLQ',
      async () => (await queueDepth(failing.sqs, failing.outputs.DeadLetterQueueUrl)).visible === ORDER_COUNT,
      60_000,
    );
    await failing.stop();
    healthy = await failing.onSameData().start();
  }, 120_000);

  afterAll(async () => {
    await failing.stop().catch(() => undefined);
    await healthy?.stop();
    failing.removeData();
  }, 30_000);

  it('lists every dead-lettered order with reason MaxReceiveCountExceeded and leaves them all visible', async () => {
    const inspection = await inspectDeadLetters({ sqs: healthy.sqs, deadLetterQueueUrl: healthy.outputs.DeadLetterQueueUrl, limit: 100 });

    expect(inspection.countsByReason).toEqual({ [MAX_RECEIVES_REASON]: ORDER_COUNT });
    expect(inspection.messages.map((message) => message.orderId).sort()).toEqual(orderIds);
    expect(await queueDepth(healthy.sqs, healthy.outputs.DeadLetterQueueUrl)).toEqual({ visible: ORDER_COUNT, delayed: 0, inFlight: 0 });
  });

  it('dlq inspect shows each message with its source message, why it failed and a one-line body preview', async () => {
    const result = await dlq('inspect', '--local', '--outputs', healthy.runtime.outputsFile, '--limit', '3');

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/source {2}\S+\n/);
    expect(result.stdout).toContain('why     the consumer failed it on every receive; SQS moved it after maxReceiveCount');
    expect(result.stdout).toMatch(/body {4}\{"version":1,"order":\{"orderId":"dlq-it-\d\d".{60,}…\n/);
    expect(result.stdout).toMatch(/first 3 of about 25 message\(s\)/);
  }, 30_000);

  // Last: it empties the DLQ the cases above read.
  it('dlq redrive moves every order back with an SQS move task, as on AWS, and the consumer stores each exactly once', async () => {
    const result = await dlq('redrive', '--local', '--outputs', healthy.runtime.outputsFile);

    expect(result).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('Move task completed: moved 25 of about 25.'),
      stderr: expect.stringContaining('with an SQS message move task'),
    });
    await eventually(
      'every order stored',
      async () => (await scanOrders(healthy.documents, healthy.outputs.OrdersTableName, PREFIX)).length === ORDER_COUNT,
      30_000,
    );
    expect(verifyStoredOrders(byId(orders), await scanOrders(healthy.documents, healthy.outputs.OrdersTableName, PREFIX))).toEqual({
      missing: [],
      differing: [],
      unexpected: [],
      storedTwice: [],
    });
    expect(await queueDepth(healthy.sqs, healthy.outputs.DeadLetterQueueUrl)).toEqual({ visible: 0, delayed: 0, inFlight: 0 });
  }, 60_000);
});

describe('DLQ redrive into a running consumer', () => {
  const pipeline = runtimeForSuite();
  let sequence = 0;

  /** Orders of one case only (its own prefix), put in the DLQ as SQS would after maxReceiveCount. */
  const deadLetterOrders = async (count: number): Promise<{ prefix: string; orders: Order[] }> => {
    sequence += 1;
    const prefix = `dlq-rd${sequence}-`;
    const orders = ordersWithPrefix(prefix, count);
    for (let start = 0; start < orders.length; start += 10) {
      await pipeline.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: pipeline.outputs.DeadLetterQueueUrl,
          Entries: orders.slice(start, start + 10).map((order, index) => ({
            Id: String(index),
            MessageBody: serializeOrderMessage(buildOrderMessage(order, new Date())),
            MessageAttributes: { orderId: { DataType: 'String', StringValue: order.orderId } },
          })),
        }),
      );
    }
    return { prefix, orders };
  };

  /** A message the consumer dead-letters at once (not JSON), with the reason it gives. */
  const deadLetterPoison = () =>
    pipeline.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: pipeline.outputs.DeadLetterQueueUrl,
        Entries: [
          {
            Id: '0',
            MessageBody: 'not json',
            MessageAttributes: {
              [DEAD_LETTER_ATTRIBUTES.errorType]: { DataType: 'String', StringValue: 'InvalidOrderMessageError' },
              [DEAD_LETTER_ATTRIBUTES.errorMessage]: { DataType: 'String', StringValue: 'body is not JSON' },
              [DEAD_LETTER_ATTRIBUTES.sourceMessageId]: { DataType: 'String', StringValue: 'poison-source-1' },
            },
          },
        ],
      }),
    );

  const dlqDepth = () => queueDepth(pipeline.sqs, pipeline.outputs.DeadLetterQueueUrl);
  const storedWith = (prefix: string) => scanOrders(pipeline.documents, pipeline.outputs.OrdersTableName, prefix);

  // Each case starts from an empty DLQ; what a case leaves behind is not the next one's input.
  beforeEach(async () => {
    await pipeline.sqs.send(new PurgeQueueCommand({ QueueUrl: pipeline.outputs.DeadLetterQueueUrl }));
    await eventually('the DLQ empty', async () => {
      const depth = await dlqDepth();
      return depth.visible + depth.inFlight === 0;
    });
  });

  it('stops after the batch in hand when interrupted: those moved, the rest still in the DLQ and visible', async () => {
    await deadLetterOrders(25);
    const interrupt = new AbortController();

    const interrupted = await redriveByCopy({
      sqs: pipeline.sqs,
      deadLetterQueueUrl: pipeline.outputs.DeadLetterQueueUrl,
      queueUrl: pipeline.outputs.QueueUrl,
      signal: interrupt.signal,
      onProgress: () => interrupt.abort(),
    });

    expect(interrupted).toEqual({ moved: 10, skipped: 0, failed: 0 });
    expect(await dlqDepth()).toEqual({ visible: 15, delayed: 0, inFlight: 0 });
  }, 30_000);

  it('keeps the messages whose delete was lost in the DLQ, and a second run moves them again without storing any order twice', async () => {
    const { prefix, orders } = await deadLetterOrders(15);
    const flaky = clientThatLosesFirstDelete(pipeline.outputs.SqsEndpoint);
    const lostDelete = await redriveByCopy({
      sqs: flaky,
      deadLetterQueueUrl: pipeline.outputs.DeadLetterQueueUrl,
      queueUrl: pipeline.outputs.QueueUrl,
    }).finally(() => flaky.destroy());
    expect(lostDelete).toEqual({ moved: 5, skipped: 0, failed: 10 });
    expect(await dlqDepth()).toEqual({ visible: 10, delayed: 0, inFlight: 0 });

    const rerun = await dlq('redrive', '--local', '--outputs', pipeline.runtime.outputsFile);

    expect(rerun.stdout).toContain('Move task completed: moved 10 of about 10.');
    await eventually('every order stored', async () => (await storedWith(prefix)).length === orders.length, 30_000);
    expect(verifyStoredOrders(byId(orders), await storedWith(prefix))).toEqual({
      missing: [],
      differing: [],
      unexpected: [],
      storedTwice: [],
    });
  }, 60_000);

  it('refuses, without a terminal and without --yes, to move a message no redrive can fix', async () => {
    await deadLetterPoison();

    const result = await dlq('redrive', '--local', '--outputs', pipeline.runtime.outputsFile);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Warning: 1 of these message(s) failed for a reason no redrive can fix (InvalidOrderMessageError 1)');
    expect(result.stderr).toMatch(/Refusing to move 1 message\(s\) that no redrive can fix without confirmation: .*Re-run with --yes/);
    expect(await dlqDepth()).toEqual({ visible: 1, delayed: 0, inFlight: 0 });
  }, 30_000);

  it('moves a poison message once with --yes and stops, although the consumer dead-letters it again at once', async () => {
    await deadLetterPoison();

    const result = await dlq('redrive', '--local', '--outputs', pipeline.runtime.outputsFile, '--yes');

    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining('Move task completed: moved 1 of about 1.') });
    // Back in the DLQ as a new message, dead-lettered by the consumer with the same reason.
    await eventually('the poison message back in the DLQ', async () => (await dlqDepth()).visible === 1);
    const inspection = await inspectDeadLetters({ sqs: pipeline.sqs, deadLetterQueueUrl: pipeline.outputs.DeadLetterQueueUrl, limit: 10 });
    expect(inspection.countsByReason).toEqual({ InvalidOrderMessageError: 1 });
  }, 30_000);

  it('copies instead of starting a move task with --filter: only the matching messages move, the rest stay', async () => {
    const { prefix, orders } = await deadLetterOrders(3);
    await deadLetterPoison();

    const result = await dlq('redrive', '--local', '--outputs', pipeline.runtime.outputsFile, '--filter', MAX_RECEIVES_REASON);

    expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/moved 3, skipped 1, failed 0/) });
    expect(result.stderr).toContain('by copy (receive → send → delete, 10 at a time)');
    expect(await dlqDepth()).toEqual({ visible: 1, delayed: 0, inFlight: 0 });
    await eventually('the moved orders stored', async () => (await storedWith(prefix)).length === orders.length, 30_000);
  }, 30_000);

  it('dlq inspect --full prints the whole body, and shows the source message id and the reason the consumer gave', async () => {
    await deadLetterPoison();
    const long = { orderId: 'dlq-full-00', note: 'x'.repeat(300) };
    await pipeline.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: pipeline.outputs.DeadLetterQueueUrl,
        Entries: [{ Id: '0', MessageBody: JSON.stringify(long) }],
      }),
    );

    const result = await dlq('inspect', '--local', '--outputs', pipeline.runtime.outputsFile, '--full');

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(JSON.stringify(long));
    expect(result.stdout).toContain('source  poison-source-1');
    expect(result.stdout).toContain('why     body is not JSON');
    expect(result.stdout).toMatch(/InvalidOrderMessageError +1 {2}\(no redrive can fix these\)/);
  }, 30_000);

  it('stops cleanly on SIGTERM: cancels the move task, exits 143, says what it moved, and every message is either moved or still in the DLQ', async () => {
    const { prefix, orders } = await deadLetterOrders(20);
    const child = spawn(
      TS_NODE,
      ['--transpile-only', 'ops/dlq-cli.ts', 'redrive', '--local', '--outputs', pipeline.runtime.outputsFile, '--rate', '2'],
      {
        cwd: PROJECT_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(child, 'exit');
    await eventually('the redrive under way', () => stderr.includes('SIGTERM stops cleanly'), 30_000);
    await eventually('a first message moved', async () => (await dlqDepth()).visible + (await dlqDepth()).inFlight < orders.length, 10_000);

    child.kill('SIGTERM');
    const [code] = await exited;

    expect(code).toBe(143);
    const moved = Number(/Move task cancelled: moved (\d+) of about 20\./.exec(stdout)?.[1]);
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThan(orders.length);
    expect(stdout).toContain('Stopped by SIGTERM');
    expect(await dlqDepth()).toEqual({ visible: orders.length - moved, delayed: 0, inFlight: 0 });
    await eventually('the moved orders stored', async () => (await storedWith(prefix)).length === moved, 30_000);
  }, 60_000);
});

describe('npm run dlq (command line)', () => {
  it('answers a call without --local or --stage with exit 2 and a pointer to the help', async () => {
    const result = await dlq('inspect');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Say where, once: --local .* or --stage <name>/);
    expect(result.stderr).toContain('(Run "npm run dlq -- inspect --help" for the options.)');
  }, 30_000);

  it('says to run npm start when there is no local pipeline', async () => {
    const result = await dlq('redrive', '--local', '--outputs', path.join(PROJECT_ROOT, '.no-such-dir', 'outputs.json'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/does not exist: start the local pipeline with "npm start" first/);
  }, 30_000);

  it('says to pass the outputs file, not a directory', async () => {
    const result = await dlq('inspect', '--local', '--outputs', path.join(PROJECT_ROOT, 'test'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /test is a directory: --outputs takes the outputs file "npm start" writes, e.g. --outputs .*outputs\.json/,
    );
  }, 30_000);

  it('refuses an unknown stage with exit 2, naming the stages', async () => {
    const result = await dlq('inspect', '--stage', 'qa');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Allowed choices are dev, staging, prod/);
  }, 30_000);
});
