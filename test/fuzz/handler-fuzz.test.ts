import {
  SQSClient,
  SendMessageBatchCommand,
  type SendMessageBatchCommandInput,
  SendMessageCommand,
  type SendMessageCommandInput,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import fc from 'fast-check';
import {
  MAX_ORDER_LINES,
  ORDER_ID_PATTERN,
  type OrderRequest,
  REPLACEMENT_CHARACTER,
  isCarriableText,
  parseOrderMessage,
} from '@orders-pipeline/shared';
import { handler } from '../../functions/api/handler';
import { MAX_BODY_BYTES } from '../../functions/api/parse-order-request';
import { fakeContext } from '../support/lambda-context';
import { postBatchEvent, postOrderEvent } from '../support/fixtures';

/**
 * Property-based fuzzing of the API handler with the real schema, parser and Powertools; only SQS is
 * mocked. FUZZ_RUNS raises the count for a longer hunt (`FUZZ_RUNS=100000 npm run test:fuzz`).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);

const sqs = mockClient(SQSClient);
let sent: SendMessageCommandInput[] = [];
let sentInBatches: SendMessageBatchCommandInput[] = [];
/** "<case kind> <status>" → count, printed so a run shows what it covered. */
const outcomes: Record<string, number> = {};

// Valid strings as clients really send them: any Unicode SQS can carry, astral characters (emoji) included, but
// U+FFFD (API Gateway's stand-in for bytes that are not UTF-8, refused: see docs/api.md, "Strict UTF-8").
const text = (max: number) =>
  fc
    .string({ unit: 'binary', minLength: 1, maxLength: max })
    .filter((s) => s.length <= max && s.trim() !== '' && isCarriableText(s) && !s.includes(REPLACEMENT_CHARACTER));

/** Characters no SQS message may carry (C0 controls but tab/CR/LF, U+FFFE, U+FFFF, unpaired surrogates), and U+FFFD. */
const UNCARRIABLE = [
  '\u0000',
  '\u0001',
  '\u000b',
  '\u001f',
  '\ufffe',
  '\uffff',
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
  REPLACEMENT_CHARACTER,
];
const TEXT_POINTERS = ['/customerId', '/items/0/sku'];

const orderLine = fc.record({
  sku: text(64),
  quantity: fc.integer({ min: 1, max: 1000 }),
  unitPrice: fc.maxSafeNat(),
});

const validOrder: fc.Arbitrary<OrderRequest> = fc.record(
  {
    orderId: fc.stringMatching(ORDER_ID_PATTERN),
    customerId: text(64),
    currency: fc.constantFrom(...Intl.supportedValuesOf('currency')),
    items: fc.array(orderLine, { minLength: 1, maxLength: MAX_ORDER_LINES }),
  },
  { requiredKeys: ['customerId', 'currency', 'items'] },
);

const MUTABLE_POINTERS = [
  '/orderId',
  '/customerId',
  '/currency',
  '/items',
  '/items/0',
  '/items/0/sku',
  '/items/0/quantity',
  '/items/0/unitPrice',
];
const REQUIRED_POINTERS = ['/customerId', '/currency', '/items', '/items/0/sku', '/items/0/quantity', '/items/0/unitPrice'];
const KNOWN_FIELDS = new Set(['orderId', 'customerId', 'currency', 'items', 'sku', 'quantity', 'unitPrice']);

type Parent = Record<string, unknown> | unknown[];
const tokensOf = (pointer: string): string[] =>
  pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));

const resolve = (root: unknown, tokens: readonly string[]): { found: boolean; value?: unknown } => {
  let current: unknown = root;
  for (const token of tokens) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, token)) return { found: false };
    current = (current as Record<string, unknown>)[token];
  }
  return { found: true, value: current };
};

/** A copy of `order` with the value at `pointer` replaced (or removed, for `undefined`). */
const withValueAt = (order: OrderRequest, pointer: string, value: unknown): unknown => {
  const copy = structuredClone(order) as unknown as Record<string, unknown>;
  const tokens = tokensOf(pointer);
  const parent = resolve(copy, tokens.slice(0, -1)).value as Parent;
  const last = tokens[tokens.length - 1];
  if (value === undefined) delete (parent as Record<string, unknown>)[last];
  else (parent as Record<string, unknown>)[last] = value;
  return copy;
};

type Case =
  | { kind: 'valid'; body: unknown }
  | { kind: 'mutated'; body: unknown; pointer: string }
  | { kind: 'missing'; body: unknown; pointer: string }
  | { kind: 'unknown-field'; body: unknown; pointer: string }
  | { kind: 'uncarriable'; body: unknown; pointer: string }
  | { kind: 'any-json'; body: unknown }
  | { kind: 'not-json'; raw: string };

const escapeToken = (token: string) => token.replaceAll('~', '~0').replaceAll('/', '~1');

const cases: fc.Arbitrary<Case> = fc.oneof(
  { weight: 3, arbitrary: validOrder.map((body): Case => ({ kind: 'valid', body })) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(validOrder, fc.constantFrom(...MUTABLE_POINTERS), fc.jsonValue())
      .map(([order, pointer, value]): Case => ({ kind: 'mutated', body: withValueAt(order, pointer, value), pointer })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(validOrder, fc.constantFrom(...REQUIRED_POINTERS))
      .map(([order, pointer]): Case => ({ kind: 'missing', body: withValueAt(order, pointer, undefined), pointer })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        validOrder,
        fc.constantFrom('', '/items/0'),
        fc.string({ unit: 'binary', maxLength: 20 }).filter((key) => !KNOWN_FIELDS.has(key)),
        fc.jsonValue(),
      )
      .map(([order, container, key, value]): Case => {
        const body = structuredClone(order) as unknown as Record<string, unknown>;
        // defineProperty, so that "__proto__" becomes an own field as JSON.parse makes it.
        Object.defineProperty(resolve(body, tokensOf(container)).value, key, { value, enumerable: true });
        return { kind: 'unknown-field', body, pointer: `${container}/${escapeToken(key)}` };
      }),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(validOrder, fc.constantFrom(...TEXT_POINTERS), fc.constantFrom(...UNCARRIABLE), fc.nat())
      .map(([order, pointer, character, at]): Case => {
        const current = resolve(order, tokensOf(pointer)).value as string;
        const position = at % (current.length + 1);
        const value = `${current.slice(0, position)}${character}${current.slice(position)}`;
        return { kind: 'uncarriable', body: withValueAt(order, pointer, value), pointer };
      }),
  },
  { weight: 1, arbitrary: fc.jsonValue().map((body): Case => ({ kind: 'any-json', body })) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((raw): Case => ({ kind: 'not-json', raw })) },
);

const invoke = async (rawBody: string) =>
  (await handler(postOrderEvent(rawBody), fakeContext('orders-api'))) as APIGatewayProxyStructuredResultV2;

const isValidJson = (raw: string): boolean => {
  try {
    JSON.parse(raw);
    return true;
  } catch {
    return false;
  }
};

describe('API handler under fuzzing', () => {
  beforeEach(() => {
    sent = [];
    sentInBatches = [];
    sqs.reset();
    sqs.on(SendMessageCommand).callsFake((input: SendMessageCommandInput) => {
      sent.push(input);
      return { MessageId: `m-${sent.length}` };
    });
    sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => {
      sentInBatches.push(input);
      return { Successful: (input.Entries ?? []).map((entry) => ({ Id: entry.Id, MessageId: 'm', MD5OfMessageBody: '' })), Failed: [] };
    });
  });

  it(`POST /orders: ${RUNS} bodies, never a 5xx; every 400 names its fields; every 202 enqueues the same order`, async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (fuzzCase) => {
        const raw = fuzzCase.kind === 'not-json' ? fuzzCase.raw : JSON.stringify(fuzzCase.body);
        const before = sent.length;
        const response = await invoke(raw);
        const body = JSON.parse(response.body ?? '');

        expect(response.statusCode).toBeLessThan(500);
        if (Buffer.byteLength(raw) > MAX_BODY_BYTES) {
          expect(response.statusCode).toBe(413);
          return;
        }
        outcomes[`${fuzzCase.kind} ${response.statusCode}`] = (outcomes[`${fuzzCase.kind} ${response.statusCode}`] ?? 0) + 1;
        if (response.statusCode === 202) {
          expect(sent).toHaveLength(before + 1);
          const message = parseOrderMessage(sent[sent.length - 1].MessageBody ?? '');
          expect(message.order).toEqual({ ...JSON.parse(raw), orderId: body.orderId });
          expect(fuzzCase.kind).not.toBe('missing');
          expect(fuzzCase.kind).not.toBe('unknown-field');
          expect(fuzzCase.kind).not.toBe('uncarriable');
          return;
        }
        expect(sent).toHaveLength(before);
        expect(response.headers?.['content-type']).toBe('application/problem+json');
        if (fuzzCase.kind === 'not-json' && !isValidJson(raw)) {
          expect(body).toMatchObject({ status: 400, type: 'urn:orders-pipeline:problem:malformed-json' });
          return;
        }
        expect(body).toMatchObject({ status: 400, type: 'urn:orders-pipeline:problem:invalid-order' });
        expect(body.errors.length).toBeGreaterThan(0);
        const parsed = JSON.parse(raw);
        for (const error of body.errors) {
          expect(typeof error.detail).toBe('string');
          // A pointer names a field that is there, or a missing one whose object is there.
          expect(resolve(parsed, tokensOf(error.pointer).slice(0, -1)).found).toBe(true);
        }
        const pointers: string[] = body.errors.map((error: { pointer: string }) => error.pointer);
        if (fuzzCase.kind === 'mutated')
          expect(pointers.some((p) => p === fuzzCase.pointer || p.startsWith(`${fuzzCase.pointer}/`))).toBe(true);
        if (fuzzCase.kind === 'missing' || fuzzCase.kind === 'unknown-field' || fuzzCase.kind === 'uncarriable')
          expect(pointers).toContain(fuzzCase.pointer);
        if (fuzzCase.kind === 'valid') throw new Error(`a valid order was rejected: ${response.body}`);
      }),
      { numRuns: RUNS },
    );
    process.stdout.write(`\nfuzz outcomes over ${RUNS} bodies: ${JSON.stringify(outcomes)}\n`);
  }, 120_000);

  it(`POST /orders/batch: ${Math.ceil(RUNS / 10)} batches, never a 5xx; one result per order; ACCEPTED ones enqueued intact`, async () => {
    const batch = fc
      .array(cases, { minLength: 1, maxLength: 25 })
      .map((entries) => entries.map((entry) => (entry.kind === 'not-json' ? entry.raw : entry.body)));
    await fc.assert(
      fc.asyncProperty(batch, async (orders) => {
        const before = sentInBatches.length;
        const response = (await handler(postBatchEvent({ orders }), fakeContext('orders-api'))) as APIGatewayProxyStructuredResultV2;
        const body = JSON.parse(response.body ?? '');

        if (Buffer.byteLength(JSON.stringify({ orders })) > MAX_BODY_BYTES) {
          expect(response.statusCode).toBe(413);
          return;
        }
        expect([202, 207, 400]).toContain(response.statusCode);
        const messages = sentInBatches
          .slice(before)
          .flatMap((input) => input.Entries ?? [])
          .map((entry) => parseOrderMessage(entry.MessageBody ?? '').order);
        if (response.statusCode === 400) {
          expect(messages).toHaveLength(0);
          expect(body.errors.every((error: { pointer: string }) => /^\/orders\/\d+/.test(error.pointer))).toBe(true);
          return;
        }
        expect(body.results.map((result: { index: number }) => result.index)).toEqual(orders.map((_, index) => index));
        for (const result of body.results) {
          if (result.status === 'ACCEPTED') {
            const order = messages.find((message) => message.orderId === result.orderId);
            // As sent on the wire: JSON has no -0 (JSON.stringify writes it as 0), so compare with the JSON round trip.
            expect(order).toEqual({ ...JSON.parse(JSON.stringify(orders[result.index])), orderId: result.orderId });
          } else {
            expect(result.status).toBe('REJECTED');
            expect(result.errors.every((error: { pointer: string }) => error.pointer.startsWith(`/orders/${result.index}`))).toBe(true);
          }
        }
        expect(messages).toHaveLength(body.accepted);
      }),
      { numRuns: Math.ceil(RUNS / 10) },
    );
  }, 120_000);
});
