import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ENV, ORDER_ID_PATTERN, parseOrderMessage } from '@orders-pipeline/shared';
import { handler } from '../../../functions/api/handler';
import { fakeContext } from '../../support/lambda-context';
import { postOrderEvent, sampleOrder } from '../../support/fixtures';

const sqs = mockClient(SQSClient);

const post = (body: unknown, headers?: Record<string, string>) =>
  handler(postOrderEvent(body, headers), fakeContext('orders-api')) as Promise<APIGatewayProxyStructuredResultV2>;

const bodyOf = (response: APIGatewayProxyStructuredResultV2) => JSON.parse(response.body ?? '');

describe('api handler', () => {
  beforeEach(() => {
    sqs.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  });

  it('answers 202 with the orderId and enqueues the order with acceptedAt', async () => {
    const response = await post(sampleOrder());

    expect(response.statusCode).toBe(202);
    expect(bodyOf(response)).toEqual({ orderId: 'ord-123', status: 'ACCEPTED' });
    const sent = sqs.commandCalls(SendMessageCommand);
    expect(sent).toHaveLength(1);
    expect(sent[0].args[0].input.QueueUrl).toBe(process.env[ENV.QUEUE_URL]);
    const message = parseOrderMessage(sent[0].args[0].input.MessageBody ?? '');
    expect(message.order).toEqual(sampleOrder());
    expect(Date.now() - Date.parse(message.acceptedAt)).toBeLessThan(5_000);
  });

  it("answers with the order's Location and a correlation id that travels with the message as an attribute", async () => {
    const response = await post(sampleOrder());

    expect(response.headers).toMatchObject({ location: '/orders/ord-123' });
    const correlationId = response.headers?.['x-correlation-id'];
    expect(correlationId).toEqual(expect.any(String));
    const sent = sqs.commandCalls(SendMessageCommand)[0].args[0].input;
    expect(sent.MessageAttributes?.correlationId).toEqual({ DataType: 'String', StringValue: correlationId });
  });

  it("takes the client's x-correlation-id when it is plain, and its own request id when it is not", async () => {
    const offered = await post(sampleOrder(), { 'content-type': 'application/json', 'x-correlation-id': 'checkout-42:retry.1' });
    const refused = await post(sampleOrder(), { 'content-type': 'application/json', 'x-correlation-id': 'no spaces or ünïcode' });

    expect(offered.headers?.['x-correlation-id']).toBe('checkout-42:retry.1');
    expect(refused.headers?.['x-correlation-id']).not.toContain(' ');
    const attributes = sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input.MessageAttributes?.correlationId?.StringValue);
    expect(attributes).toEqual(['checkout-42:retry.1', refused.headers?.['x-correlation-id']]);
  });

  it('assigns a sortable orderId when the client sends none', async () => {
    const { orderId: _omitted, ...withoutId } = sampleOrder();
    const response = await post(withoutId);

    expect(response.statusCode).toBe(202);
    const { orderId } = bodyOf(response);
    expect(orderId).toMatch(ORDER_ID_PATTERN);
    const sent = sqs.commandCalls(SendMessageCommand)[0].args[0].input;
    expect(parseOrderMessage(sent.MessageBody ?? '').order.orderId).toBe(orderId);
  });

  it('accepts a JSON content type with parameters and a base64-encoded body', async () => {
    const event = postOrderEvent(sampleOrder(), { 'Content-Type': 'application/json; charset=utf-8' });
    event.body = Buffer.from(event.body ?? '').toString('base64');
    event.isBase64Encoded = true;
    const response = (await handler(event, fakeContext())) as APIGatewayProxyStructuredResultV2;
    expect(response.statusCode).toBe(202);
  });

  it.each([
    ['a non-JSON content type', () => post(sampleOrder(), { 'content-type': 'text/plain' }), 415],
    ['no content type', () => post(sampleOrder(), {}), 415],
    ['a charset other than UTF-8', () => post(sampleOrder(), { 'content-type': 'application/json; charset=utf-16' }), 415],
    ['a compressed body', () => post(sampleOrder(), { 'content-type': 'application/json', 'content-encoding': 'gzip' }), 415],
    ['a whitespace-only customerId', () => post({ ...sampleOrder(), customerId: '   ' }), 400],
    ['a NUL character in a sku', () => post({ ...sampleOrder(), items: [{ sku: 'SKU\u0000', quantity: 1, unitPrice: 1 }] }), 400],
    ['U+FFFE in customerId, which SQS cannot carry', () => post({ ...sampleOrder(), customerId: 'cust\ufffe' }), 400],
    ['a body over 64 KB', () => post({ ...sampleOrder(), pad: 'x'.repeat(70_000) }), 413],
    ['malformed JSON', () => post('{"customerId": '), 400],
    ['a JSON array instead of an order', () => post([sampleOrder()]), 400],
    ['a schema violation', () => post({ ...sampleOrder(), currency: 'usd' }), 400],
  ])('answers %s with problem+json and enqueues nothing', async (_case, send, status) => {
    const response = await send();

    expect(response.statusCode).toBe(status);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(bodyOf(response)).toMatchObject({ status, type: expect.stringMatching(/^urn:orders-pipeline:problem:/) });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('names every offending field of an invalid order with a JSON pointer', async () => {
    const order = sampleOrder();
    const response = await post({ ...order, customerId: '', items: [{ ...order.items[0], quantity: 0 }], extra: 1 });

    expect(response.statusCode).toBe(400);
    const pointers = bodyOf(response)
      .errors.map((error: { pointer: string }) => error.pointer)
      .sort();
    expect(pointers).toEqual(['/customerId', '/extra', '/items/0/quantity']);
  });

  it('refuses a body that names a field twice, pointing at the repeat, instead of keeping the last value', async () => {
    const response = await post(
      '{"customerId":"cust-42","currency":"USD","items":[{"sku":"SKU-1","quantity":1,"quantity":900,"unitPrice":1}]}',
    );

    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).errors).toEqual([
      { pointer: '/items/0/quantity', detail: 'this field appears more than once in its object; send it once' },
    ]);
  });

  it('lists the first 20 errors of an order with thousands, with their total count', async () => {
    const fields = Array.from({ length: 3000 }, (_, i) => `"f${i}":1`).join(',');
    const response = await post(`{"customerId":"c","currency":"USD","items":[{"sku":"S","quantity":1,"unitPrice":1}],${fields}}`);

    expect(response.statusCode).toBe(400);
    const problem = bodyOf(response);
    expect(problem.errorCount).toBe(3000);
    expect(problem.errors).toHaveLength(20);
    expect(problem.errors[0]).toEqual({ pointer: '/f0', detail: 'f0 is not a field of this object; remove it' });
    expect(problem.detail).toContain('3000 invalid field(s)');
  });

  it('shortens a pointer over 256 characters to its deepest ancestor that fits, and says the fault is further in', async () => {
    const depth = 400;
    const response = await post(`{"x":${'{"a":'.repeat(depth)}{"b":1,"b":2}${'}'.repeat(depth)}}`);

    const [error] = bodyOf(response).errors;
    expect(error.pointer.length).toBeLessThanOrEqual(256);
    expect(error.pointer).toMatch(/^\/x(\/a)+$/);
    expect(error.detail).toBe('inside this member, nested deeper: this field appears more than once in its object; send it once');
  });

  it('refuses an integer field whose number only rounds to an integer, instead of storing the rounded value', async () => {
    const response = await post(
      '{"customerId":"c","currency":"USD","items":[{"sku":"S","quantity":1,"unitPrice":1999.00000000000000000001}]}',
    );

    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).errors).toEqual([{ pointer: '/items/0/unitPrice', detail: expect.stringContaining('not exactly an integer') }]);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('refuses U+FFFD in a text field: API Gateway puts it where the body had bytes that are not UTF-8', async () => {
    const response = await post({ ...sampleOrder(), customerId: 'c\ufffd\ufffd' });

    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).errors).toEqual([{ pointer: '/customerId', detail: expect.stringContaining('U+FFFD') }]);
  });

  it.each([
    ['FF FE', [0xff, 0xfe]],
    ['an overlong "/" (C0 AF)', [0xc0, 0xaf]],
    ['a UTF-16 surrogate (ED A0 80)', [0xed, 0xa0, 0x80]],
    ['a truncated sequence (E2 82)', [0xe2, 0x82]],
  ])('answers 400 naming the byte offset when a base64 body holds invalid UTF-8: %s', async (_name, bytes) => {
    const prefix = Buffer.from('{"orderId":"u1","customerId":"c');
    const body = Buffer.concat([prefix, Buffer.from(bytes), Buffer.from('","currency":"USD","items":[]}')]);
    const response = (await handler(
      { ...postOrderEvent(body.toString('base64')), isBase64Encoded: true },
      fakeContext('orders-api'),
    )) as APIGatewayProxyStructuredResultV2;

    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toMatchObject({
      type: 'urn:orders-pipeline:problem:invalid-utf8',
      detail: expect.stringContaining(`starts at byte ${prefix.length}`),
    });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('answers 503 with Retry-After, never 202, when the queue refuses the message', async () => {
    sqs.on(SendMessageCommand).rejects(Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' }));

    const response = await post(sampleOrder());

    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': '1', 'content-type': 'application/problem+json' });
    expect(bodyOf(response).detail).toMatch(/not accepted/);
  });
});
