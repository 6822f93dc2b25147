import { type Problem, problemType } from '@orders-pipeline/shared/core';
import type { FieldError } from '@orders-pipeline/shared/orders';
import { boundErrors, MAX_DETAIL_CHARS } from './error-budget';

/** What the client sent, quoted in a detail: never longer than the budget allows. */
const quoted = (received: string): string =>
  JSON.stringify(received.length <= MAX_DETAIL_CHARS / 2 ? received : `${received.slice(0, MAX_DETAIL_CHARS / 2)}…`);

/** The intake API's problems (the response helpers are in the layer, shared with the order-status function). */

export const problems = {
  unsupportedMediaType: (received: string | undefined): Problem => ({
    type: problemType('unsupported-media-type'),
    title: 'Unsupported Media Type',
    status: 415,
    detail: `Send the order as UTF-8 JSON with "content-type: application/json" (received ${received ? quoted(received) : 'no content-type'}).`,
  }),
  unsupportedContentEncoding: (received: string): Problem => ({
    type: problemType('unsupported-media-type'),
    title: 'Unsupported Media Type',
    status: 415,
    detail: `Send the body uncompressed, without a content-encoding header (received content-encoding ${quoted(received)}).`,
  }),
  payloadTooLarge: (bytes: number, limit: number): Problem => ({
    type: problemType('payload-too-large'),
    title: 'Content Too Large',
    status: 413,
    detail: `The body is ${bytes} bytes; an order may be at most ${limit} bytes.`,
  }),
  malformedJson: (reason: string): Problem => ({
    type: problemType('malformed-json'),
    title: 'Malformed JSON',
    status: 400,
    detail: `The body is not valid JSON (${reason.slice(0, MAX_DETAIL_CHARS)}). Send one JSON object.`,
  }),
  invalidUtf8: (byteOffset: number): Problem => ({
    type: problemType('invalid-utf8'),
    title: 'Invalid UTF-8',
    status: 400,
    detail: `The body is not valid UTF-8 (the first invalid byte sequence starts at byte ${byteOffset}). Send the order as UTF-8 JSON; nothing was enqueued.`,
  }),
  /** `total` counts errors found beyond those built (a scan names only the first few). */
  invalidOrder: (errors: readonly FieldError[], total: number = errors.length): Problem => {
    const bounded = boundErrors(errors, total);
    const shown = bounded.errorCount > bounded.errors.length ? ` (the first ${bounded.errors.length} are listed)` : '';
    return {
      type: problemType('invalid-order'),
      title: 'Invalid Order',
      status: 400,
      detail: `The order has ${bounded.errorCount} invalid field(s); see "errors"${shown}. Nothing was enqueued.`,
      ...bounded,
    };
  },
  enqueueUnavailable: (): Problem => ({
    type: problemType('enqueue-unavailable'),
    title: 'Service Unavailable',
    status: 503,
    detail: 'The order was not accepted because the queue is unavailable. Retry after the Retry-After delay.',
  }),
  invalidIdempotencyKey: (received: string): Problem => ({
    type: problemType('invalid-idempotency-key'),
    title: 'Invalid Idempotency-Key',
    status: 400,
    detail: `Send one Idempotency-Key header of 1-255 printable ASCII characters without spaces or commas, e.g. a UUID (received ${JSON.stringify(received.slice(0, 80))}; repeated headers arrive joined with commas). Nothing was enqueued.`,
  }),
  idempotencyKeyReused: (): Problem => ({
    type: problemType('idempotency-key-reused'),
    title: 'Unprocessable Content',
    status: 422,
    detail: 'This Idempotency-Key was already used with a different body. Use a new key for a different request.',
  }),
  requestInProgress: (): Problem => ({
    type: problemType('request-in-progress'),
    title: 'Conflict',
    status: 409,
    detail: 'A request with this Idempotency-Key is still being processed. Retry after the Retry-After delay.',
  }),
  idempotencyUnavailable: (): Problem => ({
    type: problemType('idempotency-unavailable'),
    title: 'Service Unavailable',
    status: 503,
    detail: 'The request could not be checked against its Idempotency-Key, so nothing was accepted. Retry after the Retry-After delay.',
  }),
  routeNotFound: (routeKey: string): Problem => ({
    type: problemType('route-not-found'),
    title: 'Not Found',
    status: 404,
    detail: `No route ${routeKey}. Routes: POST /orders, POST /orders/batch, GET /orders/{orderId}, GET /openapi.json.`,
  }),
  internal: (): Problem => ({
    type: problemType('internal-error'),
    title: 'Internal Server Error',
    status: 500,
    detail: 'The order was not accepted. Retry later; if it persists, report the x-amzn-requestid header.',
  }),
};
