import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbOrderReader, orderKey, toOrderItem } from '@orders-pipeline/shared';
import { orderStatus } from '../../../functions/order-status/order-status';
import { orderMessage } from '../../support/fixtures';

const dynamo = mockClient(DynamoDBDocumentClient);
const reader = new DynamoDbOrderReader(DynamoDBDocumentClient.from(new DynamoDBClient({})), 'orders');
const bodyOf = (response: { body?: string }) => JSON.parse(response.body ?? '');

describe('GET /orders/{orderId}', () => {
  beforeEach(() => dynamo.reset());

  it('answers 200 with the stored order, its status and when it was accepted, reading one item by its key', async () => {
    const message = orderMessage('ord-7');
    dynamo.on(GetCommand).resolves({ Item: toOrderItem(message) });

    const response = await orderStatus('ord-7', reader);

    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ orderId: 'ord-7', status: 'STORED', acceptedAt: message.acceptedAt, order: message.order });
    expect(dynamo.commandCalls(GetCommand)[0].args[0].input).toEqual({ TableName: 'orders', Key: orderKey('ord-7') });
  });

  it('answers 404 problem+json for an order not (yet) stored, saying what to do', async () => {
    dynamo.on(GetCommand).resolves({});

    const response = await orderStatus('ord-8', reader);

    expect(response).toMatchObject({ statusCode: 404, headers: { 'content-type': 'application/problem+json' } });
    expect(bodyOf(response).detail).toMatch(/No order ord-8 is stored.*retry/);
  });

  it('answers 400 without reading the table for something that is not an order id', async () => {
    for (const orderId of [undefined, '', '-starts-with-dash', 'x'.repeat(65), 'has space']) {
      expect((await orderStatus(orderId, reader)).statusCode).toBe(400);
    }
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('answers 503 with Retry-After when the table does not answer', async () => {
    dynamo.on(GetCommand).rejects(Object.assign(new Error('timeout'), { name: 'TimeoutError' }));

    const response = await orderStatus('ord-9', reader);

    expect(response).toMatchObject({ statusCode: 503, headers: { 'retry-after': '1' } });
  });
});
