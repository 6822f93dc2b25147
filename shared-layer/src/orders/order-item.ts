import type { Order, OrderLine } from './order-schema';
import { InvalidOrderMessageError } from '../errors';
import type { OrderMessage } from './order-message';

/**
 * Orders table item (see docs/design.md, "Data model"). The key is derived from orderId alone, so every
 * delivery of the same order addresses the same item: a redelivery can never create a second one.
 */
export interface OrderItem {
  readonly PK: string;
  readonly SK: string;
  readonly entityType: 'Order';
  readonly orderId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly items: readonly OrderLine[];
  readonly acceptedAt: string;
}

export const ORDER_SORT_KEY = 'ORDER';

export const orderKey = (orderId: string): { PK: string; SK: string } => ({
  PK: `ORDER#${orderId}`,
  SK: ORDER_SORT_KEY,
});

export const toOrderItem = ({ order, acceptedAt }: OrderMessage): OrderItem => ({
  ...orderKey(order.orderId),
  entityType: 'Order',
  orderId: order.orderId,
  customerId: order.customerId,
  currency: order.currency,
  items: order.items.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })),
  acceptedAt,
});

export const fromOrderItem = (item: OrderItem): { order: Order; acceptedAt: string } => ({
  order: { orderId: item.orderId, customerId: item.customerId, currency: item.currency, items: item.items.map((l) => ({ ...l })) },
  acceptedAt: item.acceptedAt,
});

/** DynamoDB's item size limit. */
export const MAX_ITEM_BYTES = 400 * 1024;

/**
 * Rejects an order whose item DynamoDB would refuse (over 400 KB): no retry can store it. The JSON
 * size is a close, slightly generous estimate of DynamoDB's own (names plus values).
 */
export const assertStorable = (message: OrderMessage): void => {
  const bytes = Buffer.byteLength(JSON.stringify(toOrderItem(message)));
  if (bytes > MAX_ITEM_BYTES) {
    throw new InvalidOrderMessageError(
      `order ${message.order.orderId} would be a ${bytes}-byte item; DynamoDB's limit is ${MAX_ITEM_BYTES}`,
    );
  }
};
