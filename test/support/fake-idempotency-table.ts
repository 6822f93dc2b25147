import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';

type Item = Record<string, AttributeValue>;

/**
 * Just enough of a DynamoDB table for Powertools idempotency in unit tests: PutItem succeeds only
 * for a new key (Powertools' expiry conditions are not evaluated: records here never expire),
 * UpdateItem applies `SET #a = :a, ...`, DeleteItem removes. Use the local runtime (dynalite) to
 * test against real DynamoDB semantics.
 */
export class FakeIdempotencyTable {
  readonly items = new Map<string, Item>();
  readonly client: AwsClientStub<DynamoDBClient> = mockClient(DynamoDBClient);

  constructor() {
    this.reset();
  }

  reset(): void {
    this.items.clear();
    this.client.reset();
    this.client.on(PutItemCommand).callsFake(({ Item }: { Item: Item }) => {
      const existing = this.items.get(Item.id.S ?? '');
      if (existing) {
        throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, Item: existing });
      }
      this.items.set(Item.id.S ?? '', Item);
      return {};
    });
    this.client.on(GetItemCommand).callsFake(({ Key }: { Key: Item }) => ({ Item: this.items.get(Key.id.S ?? '') }));
    this.client.on(DeleteItemCommand).callsFake(({ Key }: { Key: Item }) => {
      this.items.delete(Key.id.S ?? '');
      return {};
    });
    this.client.on(UpdateItemCommand).callsFake((input) => {
      const item = this.items.get(input.Key.id.S ?? '');
      if (!item) throw new Error(`UpdateItem of a missing record ${input.Key.id.S}`);
      for (const assignment of input.UpdateExpression.replace(/^SET /, '').split(',')) {
        const [name, value] = assignment.split('=').map((token: string) => token.trim());
        item[input.ExpressionAttributeNames[name]] = input.ExpressionAttributeValues[value];
      }
      return {};
    });
  }

  /** Marks every stored record as still being processed by another invocation. */
  markAllInProgress(): void {
    for (const item of this.items.values()) {
      item.status = { S: 'INPROGRESS' };
      item.in_progress_expiration = { N: String(Date.now() + 60_000) };
      delete item.data;
    }
  }

  restore(): void {
    this.client.restore();
  }
}
