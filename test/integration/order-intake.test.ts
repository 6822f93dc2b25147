import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import * as path from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { sampleOrder } from '../support/fixtures';
import { eventually, runtimeForSuite } from '../support/local-runtime-harness';

/** The order intake API through the local HTTP front: real Powertools idempotency on dynalite, real SQS on fauxqs. */
describe('order intake API (local runtime, dev stage)', () => {
  const harness = runtimeForSuite();

  const post = (route: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${harness.runtime.apiUrl}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  // Response bodies are checked field by field below.
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field below.
  const jsonOf = async (response: Response): Promise<any> => response.json();
  /** A request fetch would refuse to send as written. */
  const rawRequest = (text: string): Promise<Response> =>
    new Promise((resolve, reject) => {
      const socket = connect(Number(new URL(harness.runtime.apiUrl).port), '127.0.0.1', () => socket.end(text));
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('error', reject);
      socket.on('close', () => {
        const [head, body] = answer.split('\r\n\r\n');
        const [statusLine, ...headerLines] = head.split('\r\n');
        const headers = new Headers(headerLines.map((line) => line.split(/:\s*/, 2) as [string, string]));
        resolve(new Response(body, { status: Number(statusLine.split(' ')[1]), headers }));
      });
    });
  const sendMessageCalls = () => harness.runtime.requestCounts()['sqs:SendMessage'] ?? 0;
  const { orderId: _omitted, ...orderWithoutId } = sampleOrder();

  it("answers 202 with the order's Location, 404 there until the consumer stores it, then 200 with the order", async () => {
    const order = sampleOrder({ orderId: 'intake-status' });
    const before = await fetch(`${harness.runtime.apiUrl}/orders/intake-status`);
    const response = await post('/orders', order);
    const location = response.headers.get('location');

    expect(before.status).toBe(404);
    expect((await jsonOf(before)).type).toBe('urn:orders-pipeline:problem:order-not-found');
    expect(response.status).toBe(202);
    expect(location).toBe('/orders/intake-status');
    const stored = await eventually(
      'the order served at its Location',
      async () => {
        const status = await fetch(`${harness.runtime.apiUrl}${location}`);
        return status.status === 200 ? jsonOf(status) : undefined;
      },
      30_000,
    );
    expect(stored).toMatchObject({
      orderId: 'intake-status',
      status: 'STORED',
      order: { customerId: order.customerId, items: order.items },
    });
    expect((await fetch(`${harness.runtime.apiUrl}/orders/not%20an%20id`)).status).toBe(400);
  }, 40_000);

  it("carries the request's correlation id through the queue into the consumer's log line for the order", async () => {
    const response = await post('/orders', sampleOrder({ orderId: 'intake-correlated' }), { 'x-correlation-id': 'checkout-7781' });
    expect(response.headers.get('x-correlation-id')).toBe('checkout-7781');

    const consumerLog = () => {
      const { logDir } = harness.runtime;
      const file = readdirSync(logDir).find((name) => name.startsWith('ConsumerFunction')) ?? 'no consumer log';
      return readFileSync(path.join(logDir, file), 'utf8')
        .split('\n')
        .filter((line) => line.includes('"batch processed"'))
        .flatMap((line) => JSON.parse(line).orders ?? []);
    };
    const entry = await eventually(
      'the consumer logged the order',
      async () => consumerLog().find((logged: { orderId?: string }) => logged.orderId === 'intake-correlated'),
      30_000,
    );
    expect(entry).toMatchObject({ orderId: 'intake-correlated', correlationId: 'checkout-7781', outcome: 'written' });
    expect(entry.receiveCount).toBeUndefined();
  }, 40_000);

  it('takes writes without credentials in dev (auth off)', async () => {
    const response = await post('/orders', sampleOrder({ orderId: 'intake-open' }));

    expect(response.status).toBe(202);
  });

  it('stores emoji and other characters above U+FFFF exactly as sent (the emulator would refuse them unescaped)', async () => {
    const order = sampleOrder({ orderId: 'intake-emoji', customerId: 'café 😀', items: [{ sku: '𝄞-1', quantity: 1, unitPrice: 1 }] });

    const response = await post('/orders', order);
    const stored = await eventually('the emoji order stored', () => harness.storedOrder('intake-emoji'), 30_000);

    expect(response.status).toBe(202);
    expect(stored).toMatchObject({ customerId: 'café 😀', items: [{ sku: '𝄞-1', quantity: 1, unitPrice: 1 }] });
  }, 40_000);

  it('rejects with 400 and the field a character SQS cannot carry, instead of failing to enqueue it', async () => {
    const response = await post('/orders', sampleOrder({ orderId: 'intake-ffff', customerId: 'cust\uffff' }));

    expect(response.status).toBe(400);
    expect((await jsonOf(response)).errors).toContainEqual(expect.objectContaining({ pointer: '/customerId' }));
  });

  it('replays the first response for the same Idempotency-Key and body, enqueuing once; 422 for another body', async () => {
    const before = sendMessageCalls();
    const key = { 'idempotency-key': 'intake-key-1' };

    const first = await post('/orders', orderWithoutId, key);
    const firstBody = await jsonOf(first);
    const retry = await post('/orders', orderWithoutId, key);
    const other = await post('/orders', { ...orderWithoutId, customerId: 'someone-else' }, key);

    expect(first.status).toBe(202);
    expect(retry.status).toBe(202);
    expect(await jsonOf(retry)).toEqual(firstBody);
    expect(retry.headers.get('idempotency-replayed')).toBe('true');
    expect(other.status).toBe(422);
    expect(other.headers.get('content-type')).toBe('application/problem+json');
    expect((await jsonOf(other)).type).toBe('urn:orders-pipeline:problem:idempotency-key-reused');
    expect(sendMessageCalls() - before).toBe(1);
    await eventually('the order in DynamoDB', () => harness.storedOrder(firstBody.orderId));
    const { Items = [] } = await harness.documents.send(new ScanCommand({ TableName: harness.outputs.IdempotencyTableName }));
    expect(Items.map((item) => item.status)).toContain('COMPLETED');
  }, 30_000);

  it('lets concurrent requests with one key enqueue once: the others are replayed or told 409 with Retry-After', async () => {
    const before = sendMessageCalls();
    const key = { 'idempotency-key': 'intake-key-concurrent' };

    const responses = await Promise.all(Array.from({ length: 6 }, () => post('/orders', orderWithoutId, key)));

    const outcomes = await Promise.all(
      responses.map(async (response) => ({
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        body: await jsonOf(response),
      })),
    );
    const accepted = outcomes.filter((outcome) => outcome.status === 202);
    const inFlight = outcomes.filter((outcome) => outcome.status === 409);
    expect(accepted.length + inFlight.length).toBe(outcomes.length);
    expect(new Set(accepted.map((outcome) => outcome.body.orderId)).size).toBe(1);
    for (const outcome of inFlight) expect(outcome.retryAfter).toBe('1');
    expect(sendMessageCalls() - before).toBe(1);
  }, 30_000);

  it('takes a batch: 207 with one result per index, the valid orders stored, the invalid one rejected by pointer', async () => {
    const response = await post('/orders/batch', {
      orders: [
        sampleOrder({ orderId: 'intake-batch-0' }),
        { ...sampleOrder({ orderId: 'intake-batch-1' }), currency: 'XYZ' },
        sampleOrder({ orderId: 'intake-batch-2' }),
      ],
    });

    expect(response.status).toBe(207);
    const body = await jsonOf(response);
    expect(body.results.map((result: { status: string }) => result.status)).toEqual(['ACCEPTED', 'REJECTED', 'ACCEPTED']);
    expect(body.results[1].errors).toEqual([{ pointer: '/orders/1/currency', detail: 'currency is not a known ISO 4217 code' }]);
    await eventually(
      'both valid orders in DynamoDB',
      async () => (await harness.storedOrder('intake-batch-0')) && harness.storedOrder('intake-batch-2'),
    );
    expect(await harness.storedOrder('intake-batch-1')).toBeUndefined();
  }, 30_000);

  it('answers an unknown route from the front as API Gateway does: 404 {"message":"Not Found"}', async () => {
    const response = await fetch(`${harness.runtime.apiUrl}/nope`);

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await jsonOf(response)).toEqual({ message: 'Not Found' });
  });

  it.each([
    ['a request target that is not a path', () => rawRequest('POST //[ HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n'), 400],
    [
      'headers over the limit',
      () => fetch(`${harness.runtime.apiUrl}/orders`, { method: 'POST', headers: { 'x-big': 'a'.repeat(20_000) } }),
      431,
    ],
  ])('answers %s from the front with problem+json', async (_case, send, status) => {
    const response = await send();

    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await jsonOf(response)).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  });

  it('serves the committed OpenAPI document at GET /openapi.json', async () => {
    const response = await fetch(`${harness.runtime.apiUrl}/openapi.json`);

    expect(response.status).toBe(200);
    const committed = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'openapi.json'), 'utf8'));
    expect(await response.json()).toEqual(committed);
  });
});
