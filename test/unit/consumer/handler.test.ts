import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { SQSEvent } from 'aws-lambda';
import { serializeOrderMessage } from '@orders-pipeline/shared';
import { handler } from '../../../functions/consumer/handler';
import { fakeContext } from '../../support/lambda-context';
import { orderMessage, sqsRecord } from '../../support/fixtures';

const dynamo = mockClient(DynamoDBDocumentClient);
const TABLE = process.env.ORDERS_TABLE_NAME as string;

const eventOf = (orderIds: string[]): SQSEvent => ({
  Records: orderIds.map((orderId) => sqsRecord(`msg-${orderId}`, serializeOrderMessage(orderMessage(orderId)))),
});

type PutRequests = { PutRequest: { Item: { orderId: string } } }[];
const putRequestsOf = (input: { RequestItems?: Record<string, unknown> }) => input.RequestItems?.[TABLE] as PutRequests;

describe('consumer handler', () => {
  beforeEach(() => dynamo.reset());

  it('stores a batch of 30 orders in two BatchWriteItem calls and reports no failures', async () => {
    dynamo.on(BatchWriteCommand).resolves({ UnprocessedItems: {} });
    const ids = Array.from({ length: 30 }, (_, i) => `ord-${i}`);

    const response = await handler(eventOf(ids), fakeContext('orders-consumer'));

    expect(response).toEqual({ batchItemFailures: [] });
    const calls = dynamo.commandCalls(BatchWriteCommand).map((call) => putRequestsOf(call.args[0].input).length);
    expect(calls).toEqual([25, 5]);
  });

  it('reports only the records whose orders stay in UnprocessedItems past the time budget', async () => {
    dynamo.on(BatchWriteCommand).callsFake((input) => {
      const stuck = putRequestsOf(input).filter((request) => request.PutRequest.Item.orderId === 'ord-2');
      return { UnprocessedItems: stuck.length ? { [TABLE]: stuck } : {} };
    });

    // 1.5 s left and a 1 s safety margin: at most a couple of retries fit.
    const response = await handler(eventOf(['ord-1', 'ord-2', 'ord-3']), fakeContext('orders-consumer', 1_500));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-ord-2' }] });
  });

  it('returns every record as a failure instead of an empty list when the whole batch fails', async () => {
    dynamo
      .on(BatchWriteCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    const response = await handler(eventOf(['ord-1', 'ord-2']), fakeContext('orders-consumer', 1_200));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'msg-ord-1' }, { itemIdentifier: 'msg-ord-2' }]);
  });

  it('fails only a malformed record and stores the rest', async () => {
    dynamo.on(BatchWriteCommand).resolves({});
    const event = eventOf(['ord-1']);
    event.Records.push(sqsRecord('msg-bad', '{"version":1,"order":{}}'));

    const response = await handler(event, fakeContext('orders-consumer'));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-bad' }] });
    expect(dynamo.commandCalls(BatchWriteCommand)).toHaveLength(1);
  });
});
