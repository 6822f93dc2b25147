import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type Problem, jsonResponse, problemResponse, problemType } from '@orders-pipeline/shared/core';
import { ORDER_ID_PATTERN } from '@orders-pipeline/shared/orders';
import type { DynamoDbOrderReader } from '@orders-pipeline/shared/dynamodb';
import { logger } from '@orders-pipeline/shared/powertools';

const problems = {
  invalidOrderId: (received: string | undefined): Problem => ({
    type: problemType('invalid-order-id'),
    title: 'Invalid Order Id',
    status: 400,
    detail: `${JSON.stringify(received ?? '')} is not an order id: 1-64 letters, digits, "_" or "-", starting with a letter or digit.`,
  }),
  notStored: (orderId: string): Problem => ({
    type: problemType('order-not-found'),
    title: 'Not Found',
    status: 404,
    detail:
      `No order ${orderId} is stored. An order accepted moments ago is usually stored within seconds: retry. ` +
      'If it was accepted long ago, it may be in the dead-letter queue (see docs/operations.md, "Redriving the DLQ").',
  }),
  unavailable: (): Problem => ({
    type: problemType('status-unavailable'),
    title: 'Service Unavailable',
    status: 503,
    detail: 'The order store did not answer. Retry after Retry-After.',
  }),
};

/** GET /orders/{orderId}: the stored order and its status, or why there is none. */
export const orderStatus = async (orderId: string | undefined, reader: DynamoDbOrderReader): Promise<APIGatewayProxyStructuredResultV2> => {
  if (orderId === undefined || !ORDER_ID_PATTERN.test(orderId)) return problemResponse(problems.invalidOrderId(orderId));
  let stored: Awaited<ReturnType<DynamoDbOrderReader['find']>>;
  try {
    stored = await reader.find(orderId);
  } catch (error) {
    logger.error('order store unavailable', { orderId, error });
    return problemResponse(problems.unavailable(), { 'retry-after': '1' });
  }
  if (!stored) return problemResponse(problems.notStored(orderId));
  return jsonResponse(200, { orderId, status: 'STORED', acceptedAt: stored.acceptedAt, order: stored.order });
};
