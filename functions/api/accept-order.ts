import {
  EnqueueFailedError,
  Order,
  OrderQueue,
  OrderRequest,
  buildOrderMessage,
  generateOrderId,
} from '@orders-pipeline/shared';

const withId = (request: OrderRequest, now: Date): Order => ({ ...request, orderId: request.orderId ?? generateOrderId(now) });

/**
 * Gives the order its id (the client's, or a new sortable one) and enqueues it. Resolves only once
 * the queue has the message, so a 202 always means the order will be stored.
 */
export const acceptOrder = async (request: OrderRequest, queue: OrderQueue, now: Date = new Date()): Promise<Order> => {
  const order = withId(request, now);
  await queue.enqueue(buildOrderMessage(order, now));
  return order;
};

export type BatchAcceptance = { readonly order: Order; readonly enqueued: boolean };

/**
 * Enqueues many orders at once. An order counts as accepted only once SQS has it; throws
 * EnqueueFailedError when none could be enqueued, so the client retries the whole batch.
 */
export const acceptOrders = async (
  requests: readonly OrderRequest[],
  queue: OrderQueue,
  now: Date = new Date(),
): Promise<BatchAcceptance[]> => {
  const orders = requests.map((request) => withId(request, now));
  const failed = await queue.enqueueMany(orders.map((order) => buildOrderMessage(order, now)));
  if (orders.length > 0 && failed.size === orders.length) throw new EnqueueFailedError(`none of ${orders.length} orders could be enqueued`);
  return orders.map((order, index) => ({ order, enqueued: !failed.has(index) }));
};
