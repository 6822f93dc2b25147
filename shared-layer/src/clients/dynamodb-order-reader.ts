import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { type OrderItem, fromOrderItem, orderKey } from '../orders/order-item';
import type { Order } from '../orders/order-schema';

export interface StoredOrder {
  readonly order: Order;
  /** When the API accepted it (ISO 8601). */
  readonly acceptedAt: string;
}

/** Reads one stored order by id: the order-status function's only access to the table (GetItem). */
export class DynamoDbOrderReader {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async find(orderId: string): Promise<StoredOrder | undefined> {
    // Eventually consistent: half the read cost, and a status a second old is what a poller expects anyway.
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: orderKey(orderId) }));
    return Item ? fromOrderItem(Item as OrderItem) : undefined;
  }
}
