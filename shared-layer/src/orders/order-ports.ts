import type { OrderMessage } from './order-message';

/** Travels with a message beside its body (an SQS message attribute): the request that accepted the order. */
export interface MessageTrace {
  readonly correlationId: string;
}

/** Where accepted orders wait for the consumer. Adapters live in ../clients. */
export interface OrderQueue {
  enqueue(message: OrderMessage, trace?: MessageTrace): Promise<void>;
  /** Enqueues many; resolves with those of `messages` that could not be enqueued. */
  enqueueMany(messages: readonly OrderMessage[], trace?: MessageTrace): Promise<ReadonlySet<OrderMessage>>;
}

export interface BatchWriteOutcome {
  /** Messages DynamoDB did not write (UnprocessedItems): the caller retries them. */
  readonly unprocessed: readonly OrderMessage[];
}

export interface LookupOutcome {
  /** Order ids that already have a stored order item. */
  readonly stored: ReadonlySet<string>;
  /** Order ids DynamoDB did not look up (UnprocessedKeys): the caller retries them. */
  readonly unprocessed: readonly string[];
}

/**
 * Durable storage of orders. One writeBatch call writes at most `maxBatchSize` distinct orders; one
 * findStored call looks up at most `maxLookupSize` ids.
 */
export interface OrderStore {
  readonly maxBatchSize: number;
  readonly maxLookupSize: number;
  writeBatch(messages: readonly OrderMessage[]): Promise<BatchWriteOutcome>;
  findStored(orderIds: readonly string[]): Promise<LookupOutcome>;
}

/** A received message to hold back: its receipt handle and how long SQS is to keep it invisible. */
export interface DelayedRedelivery {
  readonly receiptHandle: string;
  readonly delaySeconds: number;
}

/** A delay the queue did not set, and why: the message comes back after the queue's own visibility timeout. */
export interface UnsetDelay {
  readonly redelivery: DelayedRedelivery;
  readonly reason: string;
}

/** Holds failed messages back before their next delivery (SQS: ChangeMessageVisibility). Adapters live in ../clients. */
export interface RedeliveryQueue {
  /** Resolves with the delays it could not set; never rejects, since a delay not set only brings a message back sooner. */
  delay(redeliveries: readonly DelayedRedelivery[]): Promise<readonly UnsetDelay[]>;
}
