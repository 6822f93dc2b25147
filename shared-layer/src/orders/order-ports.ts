import { OrderMessage } from './order-message';

/** Where accepted orders wait for the consumer. Adapters live in ../clients. */
export interface OrderQueue {
  enqueue(message: OrderMessage): Promise<void>;
}

export interface BatchWriteOutcome {
  /** Messages DynamoDB did not write (UnprocessedItems): the caller retries them. */
  readonly unprocessed: readonly OrderMessage[];
}

/** Durable storage of orders. One call writes at most `maxBatchSize` distinct orders. */
export interface OrderStore {
  readonly maxBatchSize: number;
  writeBatch(messages: readonly OrderMessage[]): Promise<BatchWriteOutcome>;
}
