import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbOrderStore, createDynamoDbDocumentClient, toOrderItem } from '@orders-pipeline/shared';
import { orderMessage } from '../../support/fixtures';

const dynamo = mockClient(DynamoDBDocumentClient);
const store = new DynamoDbOrderStore(createDynamoDbDocumentClient(), 'orders');

describe('DynamoDbOrderStore', () => {
  beforeEach(() => dynamo.reset());

  it('maps UnprocessedItems back to the messages they came from', async () => {
    const [first, second] = [orderMessage('ord-1'), orderMessage('ord-2')];
    dynamo.on(BatchWriteCommand).resolves({
      UnprocessedItems: { orders: [{ PutRequest: { Item: toOrderItem(second) } }] },
    });

    expect(await store.writeBatch([first, second])).toEqual({ unprocessed: [second] });
  });

  it('refuses more than 25 orders or the same order twice before calling DynamoDB', async () => {
    const many = Array.from({ length: 26 }, (_, i) => orderMessage(`ord-${i}`));
    await expect(store.writeBatch(many)).rejects.toThrow(/at most 25/);
    await expect(store.writeBatch([orderMessage('a'), orderMessage('a')])).rejects.toThrow(/same order twice/);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('reports which orders are stored and which keys DynamoDB left unprocessed', async () => {
    dynamo.on(BatchGetCommand).resolves({
      Responses: { orders: [{ orderId: 'ord-1' }] },
      UnprocessedKeys: { orders: { Keys: [{ PK: 'ORDER#ord-3', SK: 'ORDER' }] } },
    });

    expect(await store.findStored(['ord-1', 'ord-2', 'ord-3'])).toEqual({ stored: new Set(['ord-1']), unprocessed: ['ord-3'] });
  });
});
