import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  type FieldError,
  orderBatchSchema,
  type OrderRequest,
  type Problem,
  validateOrderRequest,
  validateSchema,
} from '@orders-pipeline/shared';
import { boundErrors } from './error-budget';
import { type Findings, scanJsonText } from './json-text-scan';
import { problems } from './problem';

export const MAX_BODY_BYTES = 64 * 1024;

type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: Problem };

// application/json, with no charset or charset=utf-8 (JSON is UTF-8; another charset would be misread).
const isJsonMediaType = (contentType: string | undefined): boolean => {
  const [mediaType, ...parameters] = (contentType ?? '').split(';').map((part) => part.trim().toLowerCase());
  if (mediaType !== 'application/json') return false;
  const charset = parameters
    .find((parameter) => parameter.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  return charset === undefined || charset === 'utf-8' || charset === 'utf8';
};

const headerValue = (event: APIGatewayProxyEventV2, name: string): string | undefined =>
  Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];

const INEXACT_NUMBER =
  'this number is not exactly an integer, but a JSON parser would read it as one (rounded); send the exact integer, e.g. 1999';

const fieldErrors = (findings: Findings, detail: string): FieldError[] => findings.pointers.map((pointer) => ({ pointer, detail }));

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The body as text, or where its UTF-8 breaks. A base64 body holds the bytes as sent, so invalid UTF-8 is found
 * exactly; a text body was already decoded by API Gateway, invalid bytes replaced by U+FFFD, which the schema
 * refuses in text fields instead (see docs/api.md, "Strict UTF-8").
 */
const decodeUtf8 = (body: Buffer, wasBase64: boolean): string | { byteOffset: number } => {
  if (!wasBase64) return body.toString('utf8');
  try {
    return strictUtf8.decode(body);
  } catch {
    return { byteOffset: firstInvalidUtf8Offset(body) };
  }
};

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence (RFC 3629: no overlongs, no surrogates). */
const firstInvalidUtf8Offset = (bytes: Buffer): number => {
  let offset = 0;
  while (offset < bytes.length) {
    const length = wellFormedSequenceLength(bytes, offset);
    if (length === 0) return offset;
    offset += length;
  }
  return bytes.length;
};

const isContinuation = (byte: number | undefined): boolean => byte !== undefined && byte >= 0x80 && byte <= 0xbf;

// RFC 3629 section 4 (the well-formed byte sequences): second-byte ranges exclude overlongs and surrogates.
const wellFormedSequenceLength = (bytes: Buffer, at: number): number => {
  const first = bytes[at];
  const second = bytes[at + 1];
  if (first <= 0x7f) return 1;
  if (first >= 0xc2 && first <= 0xdf) return isContinuation(second) ? 2 : 0;
  const secondOk =
    first === 0xe0
      ? second >= 0xa0 && second <= 0xbf
      : first === 0xed
        ? second >= 0x80 && second <= 0x9f
        : first === 0xf0
          ? second >= 0x90 && second <= 0xbf
          : first === 0xf4
            ? second >= 0x80 && second <= 0x8f
            : (first >= 0xe1 && first <= 0xef) || (first >= 0xf1 && first <= 0xf3)
              ? isContinuation(second)
              : false;
  if (!secondOk) return 0;
  if (first <= 0xef) return isContinuation(bytes[at + 2]) ? 3 : 0;
  return isContinuation(bytes[at + 2]) && isContinuation(bytes[at + 3]) ? 4 : 0;
};

/** What the text shows that JSON.parse hides: repeated fields and rounded numbers (their first pointers, and a count). */
interface TextErrors {
  readonly errors: readonly FieldError[];
  readonly count: number;
}

/** Content type, size, UTF-8 and JSON syntax: the checks every POST shares. */
const parseJsonObject = (event: APIGatewayProxyEventV2, what: string): Parsed<{ json: object; textErrors: TextErrors }> => {
  const contentType = headerValue(event, 'content-type');
  if (!isJsonMediaType(contentType)) return { ok: false, problem: problems.unsupportedMediaType(contentType) };
  const contentEncoding = headerValue(event, 'content-encoding');
  if (contentEncoding !== undefined && contentEncoding.trim().toLowerCase() !== 'identity') {
    return { ok: false, problem: problems.unsupportedContentEncoding(contentEncoding) };
  }
  const body = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  if (body.byteLength > MAX_BODY_BYTES) return { ok: false, problem: problems.payloadTooLarge(body.byteLength, MAX_BODY_BYTES) };
  const text = decodeUtf8(body, event.isBase64Encoded === true);
  if (typeof text !== 'string') return { ok: false, problem: problems.invalidUtf8(text.byteOffset) };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: problems.malformedJson(error instanceof Error ? error.message : 'unparseable') };
  }
  const { duplicateKeys, inexactNumbers } = scanJsonText(text);
  const textErrors = {
    errors: [
      ...fieldErrors(duplicateKeys, 'this field appears more than once in its object; send it once'),
      ...fieldErrors(inexactNumbers, INEXACT_NUMBER),
    ],
    count: duplicateKeys.count + inexactNumbers.count,
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    const notAnObject = { pointer: '', detail: `the body must be a JSON object describing ${what}` };
    return { ok: false, problem: problems.invalidOrder([notAnObject, ...textErrors.errors], 1 + textErrors.count) };
  }
  return { ok: true, value: { json, textErrors } };
};

/** POST /orders: one validated order request, or the problem to answer (every fault the text and schema show). */
export const parseOrderRequest = (event: APIGatewayProxyEventV2): Parsed<OrderRequest> => {
  const parsed = parseJsonObject(event, 'one order');
  if (!parsed.ok) return parsed;
  const { json, textErrors } = parsed.value;
  const validation = validateOrderRequest(json);
  if (validation.ok && textErrors.count === 0) return { ok: true, value: validation.value };
  const schemaErrors = validation.ok ? [] : validation.errors;
  return { ok: false, problem: problems.invalidOrder([...textErrors.errors, ...schemaErrors], textErrors.count + schemaErrors.length) };
};

export type BatchEntry =
  | { readonly index: number; readonly valid: true; readonly order: OrderRequest }
  | { readonly index: number; readonly valid: false; readonly errors: readonly FieldError[]; readonly errorCount: number };

/**
 * POST /orders/batch: every order validated on its own (pointers start with /orders/<index>), and a
 * client orderId repeated within the batch rejected after its first use.
 */
export const parseOrderBatchRequest = (event: APIGatewayProxyEventV2): Parsed<BatchEntry[]> => {
  const parsed = parseJsonObject(event, '{"orders": [...]}');
  if (!parsed.ok) return parsed;
  const { json, textErrors } = parsed.value;
  // The scan names only the first findings, so they cannot be traced to every order they touch: the whole batch goes back.
  if (textErrors.count > 0) return { ok: false, problem: problems.invalidOrder(textErrors.errors, textErrors.count) };
  const batch = validateSchema(orderBatchSchema, json);
  if (!batch.ok) return { ok: false, problem: problems.invalidOrder(batch.errors) };
  const firstUse = new Map<string, number>();
  return {
    ok: true,
    value: batch.value.orders.map((candidate, index): BatchEntry => {
      const validation = validateOrderRequest(candidate);
      if (!validation.ok) {
        return { index, valid: false, ...boundErrors(validation.errors.map((e) => ({ ...e, pointer: `/orders/${index}${e.pointer}` }))) };
      }
      const { orderId } = validation.value;
      if (orderId !== undefined) {
        const first = firstUse.get(orderId);
        if (first !== undefined) {
          return {
            index,
            valid: false,
            errors: [{ pointer: `/orders/${index}/orderId`, detail: `orderId repeats /orders/${first}/orderId` }],
            errorCount: 1,
          };
        }
        firstUse.set(orderId, index);
      }
      return { index, valid: true, order: validation.value };
    }),
  };
};
