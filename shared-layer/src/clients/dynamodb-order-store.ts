import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OrderMessage } from '../orders/order-message';
import type { BatchWriteOutcome, LookupOutcome, OrderStore } from '../orders/order-ports';
import { type OrderItem, orderKey, toOrderItem } from '../orders/order-item';

/** BatchWriteItem's hard limit. */
export const BATCH_WRITE_MAX_ITEMS = 25;
/** BatchGetItem's hard limit. */
export const BATCH_GET_MAX_KEYS = 100;

export class DynamoDbOrderStore implements OrderStore {
  readonly maxBatchSize = BATCH_WRITE_MAX_ITEMS;
  readonly maxLookupSize = BATCH_GET_MAX_KEYS;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async writeBatch(messages: readonly OrderMessage[]): Promise<BatchWriteOutcome> {
    if (messages.length === 0) return { unprocessed: [] };
    if (messages.length > this.maxBatchSize) {
      throw new RangeError(`BatchWriteItem takes at most ${this.maxBatchSize} items, got ${messages.length}`);
    }
    const byPk = new Map(messages.map((message) => [toOrderItem(message).PK, message]));
    if (byPk.size !== messages.length) {
      // DynamoDB rejects the whole call with a ValidationException; catch it before sending.
      throw new RangeError('BatchWriteItem must not contain the same order twice; de-duplicate first');
    }
    const response = await this.client.send(
      new BatchWriteCommand({
        RequestItems: {
          [this.tableName]: messages.map((message) => ({ PutRequest: { Item: toOrderItem(message) } })),
        },
      }),
    );
    const unprocessedRequests = response.UnprocessedItems?.[this.tableName] ?? [];
    const unprocessed = unprocessedRequests.flatMap((request) => {
      const item = request.PutRequest?.Item as OrderItem | undefined;
      const message = item ? byPk.get(item.PK) : undefined;
      return message ? [message] : [];
    });
    return { unprocessed };
  }

  async findStored(orderIds: readonly string[]): Promise<LookupOutcome> {
    if (orderIds.length === 0) return { stored: new Set(), unprocessed: [] };
    if (orderIds.length > this.maxLookupSize) {
      throw new RangeError(`BatchGetItem takes at most ${this.maxLookupSize} keys, got ${orderIds.length}`);
    }
    const response = await this.client.send(
      new BatchGetCommand({
        RequestItems: {
          [this.tableName]: {
            Keys: [...new Set(orderIds)].map(orderKey),
            // Only existence matters: projecting one small attribute keeps the read at its minimum size.
            ProjectionExpression: '#orderId',
            ExpressionAttributeNames: { '#orderId': 'orderId' },
            ConsistentRead: true,
          },
        },
      }),
    );
    const found = (response.Responses?.[this.tableName] ?? []) as { orderId: string }[];
    const unprocessedKeys = (response.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as { PK: string }[];
    return {
      stored: new Set(found.map((item) => item.orderId)),
      unprocessed: unprocessedKeys.map((key) => key.PK.replace(/^ORDER#/, '')),
    };
  }
}
