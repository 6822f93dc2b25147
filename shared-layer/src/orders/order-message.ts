import * as z from 'zod/mini';
import { InvalidOrderMessageError } from '../errors';
import { type Order, orderSchema, validateSchema } from './order-schema';

export const ORDER_MESSAGE_VERSION = 1;

/** What the API puts on the queue: everything the consumer needs, nothing it has to look up. */
export interface OrderMessage {
  readonly version: typeof ORDER_MESSAGE_VERSION;
  readonly order: Order;
  /** ISO 8601 instant at which the API answered 202. */
  readonly acceptedAt: string;
}

const orderMessageSchema = z.strictObject({
  version: z.literal(ORDER_MESSAGE_VERSION, { error: `version must be ${ORDER_MESSAGE_VERSION}` }),
  order: z.required(orderSchema, { orderId: true }),
  acceptedAt: z.iso.datetime({ error: 'acceptedAt must be an ISO 8601 UTC timestamp' }),
});

export const buildOrderMessage = (order: Order, acceptedAt: Date): OrderMessage => ({
  version: ORDER_MESSAGE_VERSION,
  order,
  acceptedAt: acceptedAt.toISOString(),
});

/** Throws InvalidOrderMessageError: a malformed message never becomes valid by retrying it. */
export const parseOrderMessage = (body: string): OrderMessage => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new InvalidOrderMessageError('message body is not JSON');
  }
  const result = validateSchema(orderMessageSchema, json);
  if (!result.ok) {
    const fields = result.errors.map((error) => `${error.pointer || '/'}: ${error.detail}`).join('; ');
    throw new InvalidOrderMessageError(`message does not match order message v${ORDER_MESSAGE_VERSION}: ${fields}`);
  }
  return result.value;
};
