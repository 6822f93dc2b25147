/**
 * One id follows an order from the HTTP request through the queue into every consumer log line: the client's
 * `x-correlation-id` when it sends a usable one, else API Gateway's request id. The lifecycle query and
 * `npm run trace` search by it and by orderId.
 */
export const CORRELATION_ID_HEADER = 'x-correlation-id';
/** The SQS message attribute carrying it. */
export const CORRELATION_ID_ATTRIBUTE = 'correlationId';
/** Set by a redrive by copy: the DLQ message the order queue's message was copied from. */
export const REDRIVEN_FROM_ATTRIBUTE = 'redrivenFrom';

const USABLE = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's id if it is short and plain (it ends up in log lines and attributes), else the request's own. */
export const correlationIdFor = (headers: Readonly<Record<string, string | undefined>> | undefined, requestId: string): string => {
  const offered = headers?.[CORRELATION_ID_HEADER]?.trim();
  return offered && USABLE.test(offered) ? offered : requestId;
};

/** The correlation id an SQS record carries, if any (records enqueued before it existed have none). */
export const correlationIdOf = (record: {
  readonly messageAttributes?: Readonly<Record<string, { readonly stringValue?: string } | undefined>>;
}): string | undefined => record.messageAttributes?.[CORRELATION_ID_ATTRIBUTE]?.stringValue;
