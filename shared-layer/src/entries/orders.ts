/** @orders-pipeline/shared/orders: The order contract: schema and validation (zod/mini), messages, items, ids, ports. */
export * from '../orders/order-id';
export * from '../orders/correlation-id';
export * from '../orders/order-schema';
export * from '../orders/order-message';
export * from '../orders/serialize-order-message';
export * from '../orders/order-item';
export * from '../orders/order-ports';
export * from '../orders/dead-letter';
