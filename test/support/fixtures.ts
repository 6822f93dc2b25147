import type { APIGatewayProxyEventV2, SQSRecord } from 'aws-lambda';
import { type Order, type OrderMessage, buildOrderMessage } from '@orders-pipeline/shared';
import apiPostOrder from '../events/api-post-order.json';
import order from '../events/order.json';

// Not structuredClone: under jest it returns objects of Node's own realm, whose prototypes differ
// from the test's, and util.isDeepStrictEqual (used by the pipeline checks) then sees them as different.
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export const sampleOrder = (overrides: Partial<Order> = {}): Order => ({ ...clone(order), ...overrides });

export const postOrderEvent = (
  body: unknown,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): APIGatewayProxyEventV2 => ({
  ...clone(apiPostOrder),
  headers,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

/** The same request on POST /orders/batch. */
export const postBatchEvent = (
  body: unknown,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): APIGatewayProxyEventV2 => {
  const event = postOrderEvent(body, headers);
  return {
    ...event,
    routeKey: 'POST /orders/batch',
    rawPath: '/orders/batch',
    requestContext: {
      ...event.requestContext,
      routeKey: 'POST /orders/batch',
      http: { ...event.requestContext.http, path: '/orders/batch' },
    },
  };
};

export const orderMessage = (orderId: string, acceptedAt = new Date('2026-11-23T12:00:00.000Z')): OrderMessage =>
  buildOrderMessage(sampleOrder({ orderId }), acceptedAt);

export const sqsRecord = (messageId: string, body: string, sentAt = Date.now()): SQSRecord => ({
  messageId,
  receiptHandle: `handle-${messageId}`,
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: String(sentAt),
    SenderId: 'AIDAEXAMPLE',
    ApproximateFirstReceiveTimestamp: String(sentAt),
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:orders-test',
  awsRegion: 'us-east-1',
});
