import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { OrderRequest, validateOrderRequest } from '@orders-pipeline/shared';
import { Problem, problems } from './problem';

export const MAX_BODY_BYTES = 64 * 1024;

export type ParsedRequest =
  | { readonly ok: true; readonly order: OrderRequest }
  | { readonly ok: false; readonly problem: Problem };

// application/json, with or without parameters such as "; charset=utf-8".
const isJsonMediaType = (contentType: string | undefined): boolean =>
  contentType?.split(';')[0].trim().toLowerCase() === 'application/json';

const headerValue = (event: APIGatewayProxyEventV2, name: string): string | undefined =>
  Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];

/** Turns an HTTP API (payload v2) event into a validated order request or the problem to answer. */
export const parseOrderRequest = (event: APIGatewayProxyEventV2): ParsedRequest => {
  const contentType = headerValue(event, 'content-type');
  if (!isJsonMediaType(contentType)) {
    return { ok: false, problem: problems.unsupportedMediaType(contentType) };
  }
  const body = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  if (body.byteLength > MAX_BODY_BYTES) {
    return { ok: false, problem: problems.payloadTooLarge(body.byteLength, MAX_BODY_BYTES) };
  }
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (error) {
    return { ok: false, problem: problems.malformedJson(error instanceof Error ? error.message : 'unparseable') };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return {
      ok: false,
      problem: problems.invalidOrder([{ pointer: '', detail: 'the body must be a JSON object describing one order' }]),
    };
  }
  const validation = validateOrderRequest(json);
  return validation.ok
    ? { ok: true, order: validation.value }
    : { ok: false, problem: problems.invalidOrder(validation.errors) };
};
