import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  type FieldError,
  orderBatchSchema,
  type OrderRequest,
  type Problem,
  validateOrderRequest,
  validateSchema,
} from '@orders-pipeline/shared';
import { duplicateKeyPointers } from './duplicate-keys';
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

/** Content type, size and JSON syntax: the checks every POST shares. */
const parseJsonObject = (event: APIGatewayProxyEventV2, what: string): Parsed<object> => {
  const contentType = headerValue(event, 'content-type');
  if (!isJsonMediaType(contentType)) return { ok: false, problem: problems.unsupportedMediaType(contentType) };
  const contentEncoding = headerValue(event, 'content-encoding');
  if (contentEncoding !== undefined && contentEncoding.trim().toLowerCase() !== 'identity') {
    return { ok: false, problem: problems.unsupportedContentEncoding(contentEncoding) };
  }
  const body = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  if (body.byteLength > MAX_BODY_BYTES) return { ok: false, problem: problems.payloadTooLarge(body.byteLength, MAX_BODY_BYTES) };
  const text = body.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: problems.malformedJson(error instanceof Error ? error.message : 'unparseable') };
  }
  const duplicates = duplicateKeyPointers(text);
  if (duplicates.length > 0) {
    return {
      ok: false,
      problem: problems.invalidOrder(
        duplicates.map((pointer) => ({ pointer, detail: 'this field appears more than once in its object; send it once' })),
      ),
    };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, problem: problems.invalidOrder([{ pointer: '', detail: `the body must be a JSON object describing ${what}` }]) };
  }
  return { ok: true, value: json };
};

/** POST /orders: one validated order request, or the problem to answer. */
export const parseOrderRequest = (event: APIGatewayProxyEventV2): Parsed<OrderRequest> => {
  const json = parseJsonObject(event, 'one order');
  if (!json.ok) return json;
  const validation = validateOrderRequest(json.value);
  return validation.ok ? { ok: true, value: validation.value } : { ok: false, problem: problems.invalidOrder(validation.errors) };
};

export type BatchEntry =
  | { readonly index: number; readonly valid: true; readonly order: OrderRequest }
  | { readonly index: number; readonly valid: false; readonly errors: readonly FieldError[] };

/**
 * POST /orders/batch: every order validated on its own (pointers start with /orders/<index>), and a
 * client orderId repeated within the batch rejected after its first use.
 */
export const parseOrderBatchRequest = (event: APIGatewayProxyEventV2): Parsed<BatchEntry[]> => {
  const json = parseJsonObject(event, '{"orders": [...]}');
  if (!json.ok) return json;
  const batch = validateSchema(orderBatchSchema, json.value);
  if (!batch.ok) return { ok: false, problem: problems.invalidOrder(batch.errors) };
  const firstUse = new Map<string, number>();
  return {
    ok: true,
    value: batch.value.orders.map((candidate, index): BatchEntry => {
      const validation = validateOrderRequest(candidate);
      if (!validation.ok) {
        return { index, valid: false, errors: validation.errors.map((e) => ({ ...e, pointer: `/orders/${index}${e.pointer}` })) };
      }
      const { orderId } = validation.value;
      if (orderId !== undefined) {
        const first = firstUse.get(orderId);
        if (first !== undefined) {
          return {
            index,
            valid: false,
            errors: [{ pointer: `/orders/${index}/orderId`, detail: `orderId repeats /orders/${first}/orderId` }],
          };
        }
        firstUse.set(orderId, index);
      }
      return { index, valid: true, order: validation.value };
    }),
  };
};
