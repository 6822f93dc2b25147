import { Order, OrderQueue, OrderRequest, buildOrderMessage, generateOrderId } from '@orders-pipeline/shared';

/**
 * Gives the order its id (the client's, or a new sortable one) and enqueues it. Resolves only once
 * the queue has the message, so a 202 always means the order will be stored.
 */
export const acceptOrder = async (request: OrderRequest, queue: OrderQueue, now: Date = new Date()): Promise<Order> => {
  const order: Order = { ...request, orderId: request.orderId ?? generateOrderId(now) };
  await queue.enqueue(buildOrderMessage(order, now));
  return order;
};
