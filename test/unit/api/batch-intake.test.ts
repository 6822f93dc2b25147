import { SQSClient, SendMessageBatchCommand, type SendMessageBatchCommandInput } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ORDER_ID_PATTERN, parseOrderMessage } from '@orders-pipeline/shared';
import { handler } from '../../../functions/api/handler';
import { fakeContext } from '../../support/lambda-context';
import { postBatchEvent, sampleOrder } from '../../support/fixtures';

const sqs = mockClient(SQSClient);

const postBatch = (body: unknown) => handler(postBatchEvent(body), fakeContext('orders-api')) as Promise<APIGatewayProxyStructuredResultV2>;

const bodyOf = (response: APIGatewayProxyStructuredResultV2) => JSON.parse(response.body ?? '');

const orders = (count: number) => Array.from({ length: count }, (_, index) => sampleOrder({ orderId: `batch-${index}` }));

/** Every order SQS was asked to take, by orderId. */
const sentOrderIds = (): string[] =>
  sqs
    .commandCalls(SendMessageBatchCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .map((entry) => parseOrderMessage(entry.MessageBody ?? '').order.orderId);

const acceptAll = (input: SendMessageBatchCommandInput) => ({
  Successful: (input.Entries ?? []).map((entry) => ({ Id: entry.Id, MessageId: `m-${entry.Id}`, MD5OfMessageBody: '' })),
  Failed: [],
});

describe('POST /orders/batch', () => {
  beforeEach(() => {
    sqs.reset();
    sqs.on(SendMessageBatchCommand).callsFake(acceptAll);
  });

  it('answers 202 listing every order by index, after sending 25 orders in 3 SendMessageBatch calls (10, 10, 5)', async () => {
    const response = await postBatch({ orders: orders(25) });

    expect(response.statusCode).toBe(202);
    const body = bodyOf(response);
    expect(body).toMatchObject({ accepted: 25, rejected: 0 });
    expect(body.results).toEqual(orders(25).map((order, index) => ({ index, status: 'ACCEPTED', orderId: order.orderId })));
    const calls = sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input.Entries?.length);
    expect(calls).toEqual([10, 10, 5]);
    expect(sentOrderIds().sort()).toEqual(
      orders(25)
        .map((order) => order.orderId)
        .sort(),
    );
  });

  it('gives orders without an orderId a server id, reported per index and carried by the message', async () => {
    const { orderId: _omitted, ...withoutId } = sampleOrder();
    const response = await postBatch({ orders: [withoutId, withoutId] });

    const [first, second] = bodyOf(response).results;
    expect(first.orderId).toMatch(ORDER_ID_PATTERN);
    expect(second.orderId).not.toBe(first.orderId);
    expect(sentOrderIds().sort()).toEqual([first.orderId, second.orderId].sort());
  });

  it('lists 20 field errors in all across a batch answer, but every rejected order at least its first, each with its count', async () => {
    const unknownFields = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`f${i}`, 1]));
    const batch = [
      sampleOrder({ orderId: 'ok-1' }),
      ...Array.from({ length: 24 }, (_, i) => ({ ...sampleOrder({ orderId: `bad-${i}` }), ...unknownFields(30) })),
    ];

    const response = await postBatch({ orders: batch });

    expect(response.statusCode).toBe(207);
    const rejected = bodyOf(response).results.filter((result: { status: string }) => result.status === 'REJECTED');
    expect(rejected.map((result: { errors: unknown[] }) => result.errors.length)).toEqual([20, ...Array(23).fill(1)]);
    expect(rejected.every((result: { errorCount: number }) => result.errorCount === 30)).toBe(true);
  });

  it('answers 207 for mixed results: valid orders are enqueued, invalid ones rejected with pointers under /orders/<index>', async () => {
    const [good, bad, alsoGood] = orders(3);
    const response = await postBatch({ orders: [good, { ...bad, currency: 'usd', extra: true }, alsoGood] });

    expect(response.statusCode).toBe(207);
    const body = bodyOf(response);
    expect(body).toMatchObject({ accepted: 2, rejected: 1 });
    expect(body.results[0]).toEqual({ index: 0, status: 'ACCEPTED', orderId: good.orderId });
    expect(body.results[1].status).toBe('REJECTED');
    expect(body.results[1].errors.map((error: { pointer: string }) => error.pointer).sort()).toEqual([
      '/orders/1/currency',
      '/orders/1/extra',
    ]);
    expect(sentOrderIds()).toEqual([good.orderId, alsoGood.orderId]);
  });

  it('rejects an orderId repeated within the batch, pointing at its first use', async () => {
    const response = await postBatch({ orders: [sampleOrder(), sampleOrder()] });

    expect(response.statusCode).toBe(207);
    expect(bodyOf(response).results[1]).toEqual({
      index: 1,
      status: 'REJECTED',
      errors: [{ pointer: '/orders/1/orderId', detail: 'orderId repeats /orders/0/orderId' }],
      errorCount: 1,
    });
    expect(sentOrderIds()).toEqual([sampleOrder().orderId]);
  });

  it('answers 400 problem+json, enqueuing nothing, when no order is valid', async () => {
    const response = await postBatch({ orders: [{ customerId: 'c' }, { ...sampleOrder(), items: [] }] });

    expect(response.statusCode).toBe(400);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    const pointers = bodyOf(response).errors.map((error: { pointer: string }) => error.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/orders/0/currency', '/orders/0/items', '/orders/1/items']));
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it.each([
    ['more than 25 orders', { orders: orders(26) }, '/orders'],
    ['an empty list', { orders: [] }, '/orders'],
    ['no orders field', { order: [] }, '/order'],
    ['orders that is not an array', { orders: sampleOrder() }, '/orders'],
  ])('answers 400 for %s, naming the field', async (_case, body, pointer) => {
    const response = await postBatch(body);

    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).errors.map((error: { pointer: string }) => error.pointer)).toContain(pointer);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it('retries entries SQS failed on its side, and reports 202 once they are enqueued', async () => {
    let attempts = 0;
    sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => {
      attempts += 1;
      if (attempts > 1) return acceptAll(input);
      const [failed, ...rest] = input.Entries ?? [];
      return {
        ...acceptAll({ ...input, Entries: rest }),
        Failed: [{ Id: failed.Id, SenderFault: false, Code: 'InternalError' }],
      };
    });

    const response = await postBatch({ orders: orders(3) });

    expect(response.statusCode).toBe(202);
    const ordersPerCall = sqs
      .commandCalls(SendMessageBatchCommand)
      .map((call) => call.args[0].input.Entries?.map((entry) => parseOrderMessage(entry.MessageBody ?? '').order.orderId));
    expect(ordersPerCall).toEqual([['batch-0', 'batch-1', 'batch-2'], ['batch-0']]);
  });

  it('answers 207 with NOT_ENQUEUED for an order SQS keeps refusing: it is never reported accepted', async () => {
    const isRefused = (entry: { MessageBody?: string }) => parseOrderMessage(entry.MessageBody ?? '').order.orderId === 'batch-1';
    sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => {
      const refused = (input.Entries ?? []).filter(isRefused);
      return {
        ...acceptAll({ ...input, Entries: (input.Entries ?? []).filter((entry) => !isRefused(entry)) }),
        Failed: refused.map((entry) => ({ Id: entry.Id, SenderFault: false, Code: 'InternalError' })),
      };
    });

    const response = await postBatch({ orders: orders(2) });

    expect(response.statusCode).toBe(207);
    const body = bodyOf(response);
    expect(body).toMatchObject({ accepted: 1, rejected: 1 });
    expect(body.results[1]).toMatchObject({ index: 1, status: 'NOT_ENQUEUED', orderId: 'batch-1' });
    expect(body.results[1].detail).toMatch(/new Idempotency-Key/);
  });

  it('answers 503 with Retry-After when the queue takes none of the orders', async () => {
    sqs.on(SendMessageBatchCommand).rejects(Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' }));

    const response = await postBatch({ orders: orders(2) });

    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': '1', 'content-type': 'application/problem+json' });
  });
});
