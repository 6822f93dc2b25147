import { readFileSync } from 'node:fs';
import { ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { ENV, buildOrderMessage, serializeOrderMessage } from '@orders-pipeline/shared';
import { getStageConfig } from '../../infra/config/stages';
import { sampleOrder } from '../support/fixtures';
import { NO_FAULTS } from '../../local-runtime';
import { eventually, runtimeForSuite } from '../support/local-runtime-harness';

const dev = getStageConfig('dev');
/** Fails validation: the consumer dead-letters it at once. */
const POISON = '{"version":1,"order":{"note":"not an order"}}';
/** Orders that DynamoDB (fault injection) always leaves unprocessed: a retryable failure, every time. */
const STUCK = ['it-stuck-dlq', 'it-stuck-partial'];

describe('local runtime (dev stage)', () => {
  // Visibility shortened from 181 s and the consumer timeout from 30 s, so that retries of the stuck
  // orders happen within the test; everything else is the template's.
  const harness = runtimeForSuite({
    visibilityTimeoutSeconds: 4,
    timeoutOverrides: { ConsumerFunction: 3 },
    // The redelivery backoff shortened from the stage's 10-minute storm to 1 s, 2 s, 4 s as well.
    environmentOverrides: { ConsumerFunction: { [ENV.REDELIVERY_FIRST_DELAY_SECONDS]: '1' } },
    faults: { ...NO_FAULTS, unprocessedOrderIds: STUCK },
  });

  it('writes outputs.json in the shape of cdk deploy --outputs-file', () => {
    const written = JSON.parse(readFileSync(harness.runtime.outputsFile, 'utf8'));
    expect(Object.keys(written)).toEqual(['OrdersPipeline-dev']);
    expect(Object.keys(written['OrdersPipeline-dev']).sort()).toEqual([
      'ApiUrl',
      'DeadLetterQueueUrl',
      'DynamoDbEndpoint',
      'IdempotencyTableName',
      'LambdaEndpoint',
      'LocalDashboardUrl',
      'OrdersTableName',
      'QueueUrl',
      'SqsEndpoint',
    ]);
    expect(written['OrdersPipeline-dev'].ApiUrl).toBe(harness.runtime.apiUrl);
    expect(written['OrdersPipeline-dev'].LocalDashboardUrl).toBe(harness.runtime.dashboardUrl);
    expect(written['OrdersPipeline-dev'].LambdaEndpoint).toBe(harness.runtime.lambdaEndpoint);
  });

  it('stores a POSTed order in the orders table', async () => {
    const order = sampleOrder({ orderId: 'it-post-1' });

    const response = await harness.postOrder(order);

    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ orderId: 'it-post-1', status: 'ACCEPTED' });
    const stored = await eventually('the order in DynamoDB', () => harness.storedOrder('it-post-1'));
    expect(stored).toMatchObject({ ...order, PK: 'ORDER#it-post-1', SK: 'ORDER' });
  }, 30_000);

  it('answers over HTTPS too, with problem+json for an invalid order', async () => {
    const url = harness.runtime.apiHttpsUrl.replace('https://', '');
    // Node's fetch cannot take a CA per request; the https module can.
    const https = await import('node:https');
    const ca = readFileSync(harness.runtime.certificateFile);
    const { status, type } = await new Promise<{ status?: number; type?: string }>((resolve, reject) => {
      const request = https.request(
        {
          host: url.split(':')[0],
          port: Number(url.split(':')[1]),
          path: '/orders',
          method: 'POST',
          ca,
          headers: { 'content-type': 'application/json' },
        },
        (response) => {
          response.resume();
          resolve({ status: response.statusCode, type: response.headers['content-type'] });
        },
      );
      request.on('error', reject);
      request.end('{"customerId":"c"}');
    });
    expect(status).toBe(400);
    expect(type).toBe('application/problem+json');
  });

  const receiveDeadLetter = (messageId: string) => async () =>
    (
      await harness.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: harness.outputs.DeadLetterQueueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          MessageAttributeNames: ['All'],
        }),
      )
    ).Messages?.find((message) => message.MessageId === messageId || message.MessageAttributes?.sourceMessageId?.StringValue === messageId);

  it('dead-letters a message no retry can fix at once, with the reason', async () => {
    const { MessageId } = await harness.sqs.send(new SendMessageCommand({ QueueUrl: harness.outputs.QueueUrl, MessageBody: POISON }));

    const deadLettered = await eventually('the invalid message in the DLQ', receiveDeadLetter(MessageId as string), 20_000);

    expect(deadLettered.Body).toBe(POISON);
    expect(deadLettered.MessageAttributes?.errorType?.StringValue).toBe('InvalidOrderMessageError');
    expect(deadLettered.MessageAttributes?.errorMessage?.StringValue).toMatch(/\/order\/customerId/);
    // The batch is reported after its invocation ends, which can be just after the DLQ has the message.
    await eventually('the batch that dead-lettered it', () => harness.batchesWith(MessageId as string).length > 0);
    expect(harness.batchesWith(MessageId as string)).toHaveLength(1);
  }, 30_000);

  it(`moves a message that keeps failing to the DLQ after maxReceiveCount (${dev.maxReceiveCount}) receives`, async () => {
    const body = serializeOrderMessage(buildOrderMessage(sampleOrder({ orderId: 'it-stuck-dlq' }), new Date()));
    const { MessageId } = await harness.sqs.send(new SendMessageCommand({ QueueUrl: harness.outputs.QueueUrl, MessageBody: body }));

    const deadLettered = await eventually('the stuck order in the DLQ', receiveDeadLetter(MessageId as string), 45_000);

    expect(deadLettered.Body).toBe(body);
    const attempts = harness.batchesWith(MessageId as string);
    expect(attempts.map((batch) => batch.receiveCounts[batch.messageIds.indexOf(MessageId as string)])).toEqual(
      Array.from({ length: dev.maxReceiveCount }, (_, i) => i + 1),
    );
    expect(await harness.storedOrder('it-stuck-dlq')).toBeUndefined();
  }, 60_000);

  it('retries only the failed record of a partially failed batch', async () => {
    const orders = ['it-partial-1', 'it-partial-2', 'it-partial-3', 'it-stuck-partial'].map((orderId) => sampleOrder({ orderId }));
    const { Successful = [] } = await harness.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: harness.outputs.QueueUrl,
        Entries: orders.map((order, i) => ({ Id: `m-${i}`, MessageBody: serializeOrderMessage(buildOrderMessage(order, new Date())) })),
      }),
    );
    const idOf = (entryId: string) => Successful.find((entry) => entry.Id === entryId)?.MessageId as string;
    const stuckId = idOf('m-3');

    await eventually('the failed record to be redelivered', () => harness.batchesWith(stuckId).length >= 2, 30_000);

    for (const orderId of ['it-partial-1', 'it-partial-2', 'it-partial-3']) expect(await harness.storedOrder(orderId)).toBeDefined();
    for (const entryId of ['m-0', 'm-1', 'm-2']) expect(harness.batchesWith(idOf(entryId))).toHaveLength(1);
    const [firstAttempt, retry] = harness.batchesWith(stuckId);
    expect(firstAttempt.failedMessageIds).toEqual([stuckId]);
    expect(retry.messageIds).toEqual([stuckId]);
  }, 60_000);
});

// Counts every batch its runtime runs: a runtime of its own, so no other test's messages (or their retries) are in them.
describe('local runtime (dev stage): batching', () => {
  const harness = runtimeForSuite();

  it(`delivers a burst of orders in about N / BatchSize (${dev.consumer.batchSize}) invocations`, async () => {
    const burst = 300;
    const orderIds = Array.from({ length: burst }, (_, i) => `it-burst-${i}`);
    const queue = [...orderIds];
    const statuses: number[] = [];
    const postingStarted = Date.now();
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        for (let orderId = queue.shift(); orderId; orderId = queue.shift()) {
          statuses.push((await harness.postOrder(sampleOrder({ orderId }))).status);
        }
      }),
    );
    const postingMs = Date.now() - postingStarted;
    expect(statuses.filter((status) => status === 202)).toHaveLength(burst);

    await eventually(
      'every burst order to be stored',
      () => harness.batches.reduce((sum, batch) => sum + batch.succeeded, 0) >= burst,
      30_000,
    );
    const burstBatches = harness.batches;
    expect(burstBatches.reduce((sum, batch) => sum + batch.records, 0)).toBe(burst);
    const minimum = Math.ceil(burst / dev.consumer.batchSize);
    expect(burstBatches.length).toBeGreaterThanOrEqual(minimum);
    // While orders are still arriving, each window that closes can end a partial batch on each of the
    // consumer's pollers (maxConcurrency): the slower the posting (a busy machine), the more of those.
    const windowsWhilePosting = Math.ceil(postingMs / (dev.consumer.maxBatchingWindow.toSeconds() * 1000));
    expect(burstBatches.length).toBeLessThanOrEqual(minimum + dev.consumer.maxConcurrency * windowsWhilePosting);
    for (const orderId of [orderIds[0], orderIds[burst - 1]]) expect(await harness.storedOrder(orderId)).toBeDefined();
  }, 60_000);
});

describe('local runtime (dev stage): restart', () => {
  const harness = runtimeForSuite();

  it('keeps stored orders across a restart on the same data', async () => {
    expect((await harness.postOrder(sampleOrder({ orderId: 'it-restart-1' }))).status).toBe(202);
    await eventually('the order stored before the restart', () => harness.storedOrder('it-restart-1'));

    await harness.stop();
    await harness.start();

    expect(await harness.storedOrder('it-restart-1')).toMatchObject({ orderId: 'it-restart-1' });
  }, 60_000);
});
