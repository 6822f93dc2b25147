import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SQSClient, SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ENV } from '@orders-pipeline/shared';
import { handler } from '../../../functions/api/handler';
import { FakeIdempotencyTable } from '../../support/fake-idempotency-table';
import { fakeContext } from '../../support/lambda-context';
import { postBatchEvent, postOrderEvent, sampleOrder } from '../../support/fixtures';

const sqs = mockClient(SQSClient);
const table = new FakeIdempotencyTable();

const JSON_HEADERS = { 'content-type': 'application/json' };

const post = (body: unknown, key?: string) =>
  handler(
    postOrderEvent(body, key === undefined ? JSON_HEADERS : { ...JSON_HEADERS, 'idempotency-key': key }),
    fakeContext('orders-api'),
  ) as Promise<APIGatewayProxyStructuredResultV2>;

const bodyOf = (response: APIGatewayProxyStructuredResultV2) => JSON.parse(response.body ?? '');
const { orderId: _omitted, ...orderWithoutId } = sampleOrder();

describe('Idempotency-Key', () => {
  beforeEach(() => {
    sqs.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    table.reset();
  });
  afterAll(() => table.restore());

  it('replays the first response for a retry with the same key and body, and enqueues nothing new', async () => {
    const first = await post(orderWithoutId, 'key-1');
    const retry = await post(orderWithoutId, 'key-1');

    expect(first.statusCode).toBe(202);
    expect(retry.statusCode).toBe(202);
    expect(bodyOf(retry)).toEqual(bodyOf(first));
    expect(retry.headers).toMatchObject({ 'idempotency-replayed': 'true' });
    expect(first.headers?.['idempotency-replayed']).toBeUndefined();
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });

  it('records the key in the idempotency table named by IDEMPOTENCY_TABLE_NAME', async () => {
    await post(orderWithoutId, 'key-1');

    const puts = table.client.commandCalls(PutItemCommand);
    expect(puts).toHaveLength(1);
    expect(puts[0].args[0].input.TableName).toBe(process.env[ENV.IDEMPOTENCY_TABLE_NAME]);
    expect([...table.items.values()][0]).toMatchObject({ status: { S: 'COMPLETED' } });
  });

  it('processes the same body under different keys as different requests', async () => {
    const first = await post(orderWithoutId, 'key-1');
    const second = await post(orderWithoutId, 'key-2');

    expect(bodyOf(second).orderId).not.toBe(bodyOf(first).orderId);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(2);
  });

  it('answers 422 problem+json when the key was used with a different body', async () => {
    await post(orderWithoutId, 'key-1');
    const response = await post({ ...orderWithoutId, customerId: 'someone-else' }, 'key-1');

    expect(response.statusCode).toBe(422);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(bodyOf(response)).toMatchObject({ type: 'urn:orders-pipeline:problem:idempotency-key-reused', status: 422 });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });

  it('answers 409 with Retry-After while a request with the same key is in flight', async () => {
    await post(orderWithoutId, 'key-1');
    table.markAllInProgress();

    const response = await post(orderWithoutId, 'key-1');

    expect(response.statusCode).toBe(409);
    expect(response.headers).toMatchObject({ 'retry-after': '1', 'content-type': 'application/problem+json' });
    expect(bodyOf(response).type).toBe('urn:orders-pipeline:problem:request-in-progress');
  });

  it('forgets the key when the queue refused the order (503), so the client retry with it goes through', async () => {
    sqs
      .on(SendMessageCommand)
      .rejectsOnce(Object.assign(new Error('down'), { name: 'ServiceUnavailable' }))
      .resolves({ MessageId: 'm-2' });

    const refused = await post(orderWithoutId, 'key-1');
    const retry = await post(orderWithoutId, 'key-1');

    expect(refused.statusCode).toBe(503);
    expect(retry.statusCode).toBe(202);
    expect(retry.headers?.['idempotency-replayed']).toBeUndefined();
    expect(table.items.size).toBe(1);
  });

  it('answers 503 with Retry-After, enqueuing nothing, when the idempotency table is unavailable', async () => {
    table.client.on(PutItemCommand).rejects(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' }));

    const response = await post(orderWithoutId, 'key-1');

    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': '1' });
    expect(bodyOf(response).type).toBe('urn:orders-pipeline:problem:idempotency-unavailable');
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it.each([
    ['that is empty', ''],
    ['with a space', 'two words'],
    ['over 255 characters', 'k'.repeat(256)],
    ['sent twice (API Gateway joins repeated headers with ",")', 'key-1,key-2'],
  ])('answers 400 for a key %s, naming the header', async (_case, key) => {
    const response = await post(orderWithoutId, key);

    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toMatchObject({ type: 'urn:orders-pipeline:problem:invalid-idempotency-key' });
    expect(bodyOf(response).detail).toMatch(/Idempotency-Key/);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('does not touch the idempotency table for a request without the header', async () => {
    await post(orderWithoutId);

    expect(table.client.calls()).toHaveLength(0);
  });

  it('applies to POST /orders/batch too: a retried batch is replayed', async () => {
    sqs.on(SendMessageBatchCommand).callsFake(({ Entries = [] }) => ({
      Successful: Entries.map((entry: { Id: string }) => ({ Id: entry.Id, MessageId: 'm', MD5OfMessageBody: '' })),
      Failed: [],
    }));
    const event = () => postBatchEvent({ orders: [orderWithoutId] }, { ...JSON_HEADERS, 'idempotency-key': 'batch-key' });

    const first = (await handler(event(), fakeContext('orders-api'))) as APIGatewayProxyStructuredResultV2;
    const retry = (await handler(event(), fakeContext('orders-api'))) as APIGatewayProxyStructuredResultV2;

    expect(retry.body).toBe(first.body);
    expect(retry.headers).toMatchObject({ 'idempotency-replayed': 'true' });
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(1);
  });
});
