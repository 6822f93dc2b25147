import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Problem } from '@orders-pipeline/shared/core';
import { type FieldError, orderBatchSchema, type OrderRequest, validateOrderRequest, validateSchema } from '@orders-pipeline/shared/orders';
import { boundErrors } from './error-budget';
import { type Findings, scanJsonText } from './json-text-scan';
import { decodeUtf8 } from './utf8';
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
