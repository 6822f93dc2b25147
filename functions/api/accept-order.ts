import { EnqueueFailedError } from '@orders-pipeline/shared/core';
import {
  type MessageTrace,
  type Order,
  type OrderQueue,
  type OrderRequest,
  buildOrderMessage,
  generateOrderId,
} from '@orders-pipeline/shared/orders';

const withId = (request: OrderRequest, now: Date): Order => ({ ...request, orderId: request.orderId ?? generateOrderId(now) });

/**
 * Gives the order its id (the client's, or a new sortable one) and enqueues it. Resolves only once
 * the queue has the message, so a 202 always means the order will be stored.
 */
export const acceptOrder = async (
  request: OrderRequest,
  queue: OrderQueue,
  trace?: MessageTrace,
  now: Date = new Date(),
): Promise<Order> => {
  const order = withId(request, now);
  await queue.enqueue(buildOrderMessage(order, now), trace);
  return order;
};

/** An order of a batch request and its position in the request's `orders`. */
export type IndexedOrderRequest = { readonly index: number; readonly order: OrderRequest };
export type BatchAcceptance = { readonly index: number; readonly order: Order; readonly enqueued: boolean };

/**
 * Enqueues many orders at once. An order counts as accepted only once SQS has it; throws
 * EnqueueFailedError when none could be enqueued, so the client retries the whole batch.
 */
export const acceptOrders = async (
  requests: readonly IndexedOrderRequest[],
  queue: OrderQueue,
  trace?: MessageTrace,
  now: Date = new Date(),
): Promise<BatchAcceptance[]> => {
  const messages = requests.map(({ index, order }) => ({ index, message: buildOrderMessage(withId(order, now), now) }));
  const failed = await queue.enqueueMany(
    messages.map(({ message }) => message),
    trace,
  );
  if (messages.length > 0 && failed.size === messages.length)
    throw new EnqueueFailedError(`none of ${messages.length} orders could be enqueued`);
  return messages.map(({ index, message }) => ({ index, order: message.order, enqueued: !failed.has(message) }));
};
