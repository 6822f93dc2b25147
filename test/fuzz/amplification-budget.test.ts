import { SQSClient, SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import fc from 'fast-check';
import { logger } from '@orders-pipeline/shared';
import { handler } from '../../functions/api/handler';
import { MAX_BODY_BYTES } from '../../functions/api/parse-order-request';
import { fakeContext } from '../support/lambda-context';
import { postBatchEvent, postOrderEvent } from '../support/fixtures';

/**
 * The amplification budget (docs/api.md): for hostile shapes of every size up to the 64 KiB limit, the real handler's
 * answer and the log bytes it writes stay under a constant, whatever the body buys. Only SQS is mocked; the logger
 * runs at INFO (as deployed) and its output is counted instead of printed.
 */
/** The budget docs/api.md states: whatever the body (at most 64 KiB), the answer and the log lines it causes stay under these. */
const MAX_ANSWER_BYTES = 32 * 1024;
const MAX_LOG_BYTES = 32 * 1024;

const RUNS = Math.max(50, Math.ceil(Number(process.env.FUZZ_RUNS ?? 10_000) / 50));

const sqs = mockClient(SQSClient);

const validLine = '{"sku":"S","quantity":1,"unitPrice":1}';
const order = (extra: string, items = validLine): string => `{"customerId":"c","currency":"USD","items":[${items}]${extra}}`;
const key = (length: number, seed: number): string => `k${seed}${'x'.repeat(length)}`;

/** A batch whose orders (after the first `valid`) carry as many unknown fields of `length` characters as fit in 60 KB. */
const hostileBatch = (orders: number, length: number, valid: number): string => {
  const fields = Math.max(1, Math.floor(60_000 / orders / (length + 12)));
  return `{"orders":[${Array.from({ length: orders }, (_, o) =>
    o < valid ? order('') : order(Array.from({ length: fields }, (_, i) => `,"${key(length, o * 1000 + i)}":1`).join('')),
  ).join(',')}]}`;
};

/** Hostile shapes, each sized by fast-check from small to the body limit. */
const shapes = {
  'deep nesting': fc
    .tuple(fc.integer({ min: 1, max: 12_000 }), fc.constantFrom('[', '{"a":'))
    .map(([depth, open]) => order(`,"x":${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}`)),
  'repeated keys, deep': fc
    .tuple(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 2, max: 5_000 }))
    .map(([depth, repeats]) => order(`,"x":${'{"a":'.repeat(depth)}{"b":1${',"b":1'.repeat(repeats - 1)}}${'}'.repeat(depth)}`)),
  'long keys': fc
    .tuple(fc.integer({ min: 1, max: 30_000 }), fc.integer({ min: 1, max: 40 }))
    .map(([length, count]) =>
      order(
        Array.from({ length: count }, (_, i) => `,"${key(Math.floor(length / count), i)}":1`).join(''),
        `{"sku":"S","quantity":1,"unitPrice":1,"${key(length, 99)}":2}`,
      ),
    ),
  'many items': fc
    .tuple(fc.integer({ min: 1, max: 1_300 }), fc.constantFrom('{}', '{"sku":"","quantity":0,"unitPrice":-1,"z":1}', '1'))
    .map(([count, item]) => order('', Array.from({ length: count }, () => item).join(','))),
  'many errors': fc.integer({ min: 1, max: 6_000 }).map((count) => `{${Array.from({ length: count }, (_, i) => `"f${i}":[]`).join(',')}}`),
  'inexact numbers': fc
    .tuple(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 20, max: 500 }))
    .map(([count, digits]) =>
      order('', Array.from({ length: count }, () => `{"sku":"S","quantity":1,"unitPrice":1.${'0'.repeat(digits)}1}`).join(',')),
    ),
  'batch of hostile orders': fc
    .tuple(fc.integer({ min: 1, max: 25 }), fc.integer({ min: 1, max: 200 }))
    .map(([orders, length]) => hostileBatch(orders, length, 0)),
  'batch, some orders valid': fc
    .tuple(fc.integer({ min: 2, max: 25 }), fc.integer({ min: 1, max: 200 }))
    .map(([orders, length]) => hostileBatch(orders, length, 1)),
  'invalid UTF-8': fc
    .tuple(fc.integer({ min: 0, max: 60_000 }), fc.constantFrom([0xff, 0xfe], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82]))
    .map(([padding, bytes]) =>
      Buffer.concat([Buffer.from(order(`,"pad":"${'p'.repeat(padding)}`)), Buffer.from(bytes), Buffer.from('"}')]),
    ),
};

type Shape = keyof typeof shapes;
const cases = fc.oneof(
  ...Object.entries(shapes).map(([shape, body]) => (body as fc.Arbitrary<string | Buffer>).map((raw) => ({ shape: shape as Shape, raw }))),
);

const eventFor = (shape: Shape, raw: string | Buffer): APIGatewayProxyEventV2 => {
  if (typeof raw !== 'string') return { ...postOrderEvent(raw.toString('base64')), isBase64Encoded: true };
  return shape.startsWith('batch') ? postBatchEvent(raw) : postOrderEvent(raw);
};

/** Per shape: requests, the largest answer and log, and the slowest handler time (printed, not asserted: CPU is shared). */
const figures: Record<
  string,
  { requests: number; tooLarge: number; maxRequestBytes: number; maxAnswerBytes: number; maxLogBytes: number; maxMs: number }
> = {};

describe('API amplification budget', () => {
  let logBytes = 0;
  let stdout: jest.SpyInstance;

  beforeAll(() => {
    logger.setLogLevel('INFO');
    const count = (chunk: unknown) => {
      logBytes += Buffer.byteLength(String(chunk));
      return true;
    };
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(count);
    jest.spyOn(process.stderr, 'write').mockImplementation(count);
  });
  afterAll(() => {
    jest.restoreAllMocks();
    logger.setLogLevel('SILENT');
    process.stdout.write(`\namplification figures over ${RUNS} hostile bodies: ${JSON.stringify(figures, null, 1)}\n`);
  });
  beforeEach(() => {
    sqs.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
    sqs.on(SendMessageBatchCommand).callsFake((input) => ({
      Successful: input.Entries.map((entry: { Id: string }) => ({ Id: entry.Id, MessageId: 'm', MD5OfMessageBody: '' })),
      Failed: [],
    }));
  });

  it(`answers every hostile shape with at most ${MAX_ANSWER_BYTES} bytes and logs at most ${MAX_LOG_BYTES} bytes for it`, async () => {
    expect(stdout).toBeDefined();
    await fc.assert(
      fc.asyncProperty(cases, async ({ shape, raw }) => {
        const requestBytes = Buffer.byteLength(raw);
        logBytes = 0;
        const started = performance.now();
        const response = (await handler(eventFor(shape, raw), fakeContext('orders-api'))) as APIGatewayProxyStructuredResultV2;
        const ms = performance.now() - started;
        const answerBytes = Buffer.byteLength(response.body ?? '');

        figures[shape] ??= { requests: 0, tooLarge: 0, maxRequestBytes: 0, maxAnswerBytes: 0, maxLogBytes: 0, maxMs: 0 };
        const seen = figures[shape];
        seen.requests += 1;
        seen.maxRequestBytes = Math.max(seen.maxRequestBytes, requestBytes);
        seen.maxAnswerBytes = Math.max(seen.maxAnswerBytes, answerBytes);
        seen.maxLogBytes = Math.max(seen.maxLogBytes, logBytes);
        seen.maxMs = Math.max(seen.maxMs, Math.round(ms));

        if (requestBytes > MAX_BODY_BYTES) seen.tooLarge += 1;
        const expected = requestBytes > MAX_BODY_BYTES ? 413 : shape === 'batch, some orders valid' ? 207 : 400;
        expect(response.statusCode).toBe(expected);
        expect(answerBytes).toBeLessThanOrEqual(MAX_ANSWER_BYTES);
        expect(logBytes).toBeLessThanOrEqual(MAX_LOG_BYTES);
        const answer = JSON.parse(response.body ?? '');
        for (const listed of [answer, ...(answer.results ?? [])]) {
          if (listed.errors) expect(listed.errorCount).toBeGreaterThanOrEqual(listed.errors.length);
        }
      }),
      { numRuns: RUNS },
    );
    expect(Object.keys(figures).sort()).toEqual(Object.keys(shapes).sort());
  }, 240_000);
});
