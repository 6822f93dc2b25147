import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local-runtime';
import { signRequest } from '../../load/lib/sigv4';
import { type RuntimeHarness, eventually, runtimeForSuite } from '../support/local-runtime-harness';

/**
 * Hostile bodies against the local runtime, for the open dev stage and the IAM-authorized staging stage (every
 * request SigV4-signed with the local credentials): each gets its 4xx with a bounded answer, the API's log grows by
 * a bounded amount, and afterwards the table holds exactly the one valid order sent, as sent. See docs/api.md,
 * "Hostile input".
 */
const MAX_ANSWER_BYTES = 32 * 1024;
const MAX_LOG_BYTES_PER_REQUEST = 32 * 1024;

const order = (orderId: string, customerId = 'c', unitPrice = '1') =>
  `{"orderId":"${orderId}","customerId":"${customerId}","currency":"USD","items":[{"sku":"S","quantity":1,"unitPrice":${unitPrice}}]}`;
/** A valid order but for `bytes` inside its customerId: the bytes are the only fault. */
const withBytes = (orderId: string, bytes: number[]): Buffer => {
  const [before, after] = order(orderId, '\u0000').split('\u0000');
  return Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]);
};

interface HostileCase {
  readonly name: string;
  readonly body: string | Buffer;
  readonly contentType?: string;
  /** POST /orders unless given. */
  readonly path?: string;
  readonly status: number;
  /** The pointer the answer must name, when the fault is in one field. */
  readonly pointer?: string;
}

const repeats = 5000;
const CASES: readonly HostileCase[] = [
  {
    name: "the issue's repeated keys in deep nesting (60 KB)",
    body: `{"x":${'{"a":'.repeat(repeats)}{"b":1${',"b":1'.repeat(repeats)}}${'}'.repeat(repeats)}}`,
    status: 400,
  },
  { name: 'thousands of unknown fields', body: `{${Array.from({ length: 5000 }, (_, i) => `"f${i}":1`).join(',')}}`, status: 400 },
  { name: 'a 30,000-character key', body: order('h-long-key').replace('{', `{"${'k'.repeat(30_000)}":1,`), status: 400 },
  {
    name: 'arrays nested 30,000 deep',
    body: order('h-deep').replace('{', `{"x":${'['.repeat(30_000)}${']'.repeat(30_000)},`),
    status: 400,
  },
  {
    name: '1,300 invalid order lines',
    body: order('h-lines').replace(/"items":\[.*\]/, `"items":[${Array.from({ length: 1300 }, () => '{"quantity":0}').join(',')}]`),
    status: 400,
  },
  {
    name: 'a field named twice',
    body: order('h-twice').replace('"customerId":"c"', '"customerId":"c","customerId":"d"'),
    status: 400,
    pointer: '/customerId',
  },
  { name: 'invalid UTF-8 (FF FE) in customerId', body: withBytes('h-fffe', [0xff, 0xfe]), status: 400, pointer: '/customerId' },
  { name: 'an overlong "/" (C0 AF) in customerId', body: withBytes('h-overlong', [0xc0, 0xaf]), status: 400, pointer: '/customerId' },
  {
    name: 'an encoded surrogate (ED A0 80) in customerId',
    body: withBytes('h-surrogate', [0xed, 0xa0, 0x80]),
    status: 400,
    pointer: '/customerId',
  },
  { name: 'a truncated sequence (E2 82) in customerId', body: withBytes('h-truncated', [0xe2, 0x82]), status: 400, pointer: '/customerId' },
  {
    name: 'invalid UTF-8 sent as application/octet-stream',
    body: withBytes('h-binary', [0xff]),
    contentType: 'application/octet-stream',
    status: 415,
  },
  {
    name: 'unitPrice 1999.00000000000000000001',
    body: order('h-price', 'c', '1999.00000000000000000001'),
    status: 400,
    pointer: '/items/0/unitPrice',
  },
  {
    name: 'unitPrice 9007199254740993 (beyond 2^53)',
    body: order('h-big', 'c', '9007199254740993'),
    status: 400,
    pointer: '/items/0/unitPrice',
  },
  { name: 'unitPrice 1e400', body: order('h-inf', 'c', '1e400'), status: 400, pointer: '/items/0/unitPrice' },
  { name: 'a 1 MB body', body: order('h-huge', 'x'.repeat(1024 * 1024)), status: 413 },
  { name: 'JSON cut short', body: order('h-cut').slice(0, 40), status: 400 },
  {
    name: 'a batch of 25 orders with 80 unknown fields each',
    path: '/orders/batch',
    body: `{"orders":[${Array.from({ length: 25 }, (_, o) =>
      order(`h-batch-${o}`).replace('{', `{${Array.from({ length: 80 }, (_, i) => `"f${i}":1,`).join('')}`),
    ).join(',')}]}`,
    status: 400,
  },
  {
    name: 'a batch whose valid order sits beside a rounded unitPrice',
    path: '/orders/batch',
    body: `{"orders":[${order('h-batch-valid')},${order('h-batch-price', 'c', '1999.00000000000000000001')}]}`,
    status: 400,
    pointer: '/orders/1/items/0/unitPrice',
  },
];

const VALID_CUSTOMER = 'cust-ünïcødé-😀';

const apiLogBytes = (harness: RuntimeHarness): number => {
  const dir = path.join(harness.dataDir, 'logs');
  return readdirSync(dir)
    .filter((name) => name.startsWith('ApiFunction'))
    .reduce((sum, name) => sum + statSync(path.join(dir, name)).size, 0);
};

describe.each([
  { stage: 'dev', signed: false },
  { stage: 'staging', signed: true },
])('hostile bodies on POST /orders and /orders/batch ($stage)', ({ stage, signed }) => {
  const harness = runtimeForSuite({ stage });

  const post = async (body: string | Buffer, contentType = 'application/json', target = '/orders') => {
    const url = new URL(`${harness.runtime.apiUrl}${target}`);
    const headers: Record<string, string> = { 'content-type': contentType };
    const sent = signed
      ? signRequest(
          { method: 'POST', host: url.host, path: url.pathname, headers, body },
          { credentials: LOCAL_CREDENTIALS, region: LOCAL_REGION, service: 'execute-api' },
        )
      : headers;
    const started = performance.now();
    const response = await fetch(url, {
      method: 'POST',
      headers: Object.entries(sent).filter(([name]) => name.toLowerCase() !== 'host'),
      body,
    });
    const text = await response.text();
    return { status: response.status, text, ms: Math.round(performance.now() - started) };
  };

  it('answers each hostile body with its 4xx and a bounded answer, with bounded logs', async () => {
    const logBefore = apiLogBytes(harness);
    const timings: Record<string, number> = {};
    for (const hostile of CASES) {
      const answer = await post(hostile.body, hostile.contentType, hostile.path);
      timings[hostile.name] = answer.ms;

      expect({ name: hostile.name, status: answer.status }).toEqual({ name: hostile.name, status: hostile.status });
      expect(Buffer.byteLength(answer.text)).toBeLessThanOrEqual(MAX_ANSWER_BYTES);
      if (hostile.pointer) {
        const pointers = (JSON.parse(answer.text).errors ?? []).map((error: { pointer: string }) => error.pointer);
        expect({ name: hostile.name, pointers }).toEqual({ name: hostile.name, pointers: expect.arrayContaining([hostile.pointer]) });
      }
    }
    // Environments append their log lines as they write them; the last request's may trail its answer a little.
    const bound = CASES.length * MAX_LOG_BYTES_PER_REQUEST;
    const grown = await eventually('the log to settle', async () => {
      const first = apiLogBytes(harness);
      await new Promise((resolve) => setTimeout(resolve, 200));
      return first === apiLogBytes(harness) ? first - logBefore + 1 : 0;
    });
    expect(grown - 1).toBeLessThanOrEqual(bound);
    process.stdout.write(`\n${stage}: hostile answers in ms ${JSON.stringify(timings)}; API log grew ${grown - 1} bytes\n`);
  }, 120_000);

  it('afterwards stores the one valid order exactly as sent, and nothing of the hostile ones', async () => {
    const valid = await post(order(`ok-${stage}`, VALID_CUSTOMER, '9007199254740991'));
    expect(valid.status).toBe(202);

    await eventually('the valid order to be stored', () => harness.storedOrder(`ok-${stage}`));
    // Everything ever enqueued has been consumed, so a hostile order let through would be in the table by now.
    await eventually('the queue to be empty', async () => {
      const { Attributes = {} } = await harness.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: harness.outputs.QueueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible) === 0;
    });
    const { Items = [] } = await harness.documents.send(
      new ScanCommand({ TableName: harness.outputs.OrdersTableName, ConsistentRead: true }),
    );
    expect(Items.map((item) => item.orderId)).toEqual([`ok-${stage}`]);
    expect(Items[0]).toMatchObject({
      customerId: VALID_CUSTOMER,
      currency: 'USD',
      items: [{ sku: 'S', quantity: 1, unitPrice: 9007199254740991 }],
    });
  }, 60_000);
});
