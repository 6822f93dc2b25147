import { ChangeMessageVisibilityBatchCommand, SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { SQSEvent } from 'aws-lambda';
import { ENV, serializeOrderMessage } from '@orders-pipeline/shared';
import { handler } from '../../../functions/consumer/handler';
import { fakeContext } from '../../support/lambda-context';
import { orderMessage, sqsRecord } from '../../support/fixtures';

const dynamo = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const TABLE = process.env[ENV.ORDERS_TABLE_NAME] as string;

const eventOf = (orderIds: string[]): SQSEvent => ({
  Records: orderIds.map((orderId) => sqsRecord(`msg-${orderId}`, serializeOrderMessage(orderMessage(orderId)))),
});

type PutRequests = { PutRequest: { Item: { orderId: string } } }[];
const putRequestsOf = (input: { RequestItems?: Record<string, unknown> }) => input.RequestItems?.[TABLE] as PutRequests;

describe('consumer handler', () => {
  beforeEach(() => {
    dynamo.reset();
    sqs.reset();
    dynamo.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    sqs.on(SendMessageCommand).resolves({ MessageId: 'dlq-1' });
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
  });

  const heldBack = () =>
    sqs
      .commandCalls(ChangeMessageVisibilityBatchCommand)
      .flatMap((call) =>
        (call.args[0].input.Entries ?? []).map((entry) => [call.args[0].input.QueueUrl, entry.ReceiptHandle, entry.VisibilityTimeout]),
      );
  const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

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
    dynamo.on(BatchWriteCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    const response = await handler(eventOf(['ord-1', 'ord-2']), fakeContext('orders-consumer', 1_200));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'msg-ord-1' }, { itemIdentifier: 'msg-ord-2' }]);
  });

  it('holds throttled records back on their queue by receive count (the test stage: 30 s doubling), still reporting them as failures', async () => {
    dynamo.on(BatchWriteCommand).rejects(throttled());
    const event = eventOf(['ord-1', 'ord-2']);
    event.Records[1].attributes.ApproximateReceiveCount = '3';

    const response = await handler(event, fakeContext('orders-consumer', 1_200));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'msg-ord-1' }, { itemIdentifier: 'msg-ord-2' }]);
    const queue = process.env[ENV.QUEUE_URL];
    expect(heldBack()).toEqual([
      [queue, 'handle-msg-ord-1', 30],
      [queue, 'handle-msg-ord-2', 120],
    ]);
  });

  it('holds back records DynamoDB keeps returning as UnprocessedItems, and only those', async () => {
    dynamo.on(BatchWriteCommand).callsFake((input) => {
      const stuck = putRequestsOf(input).filter((request) => request.PutRequest.Item.orderId === 'ord-2');
      return { UnprocessedItems: stuck.length ? { [TABLE]: stuck } : {} };
    });

    await handler(eventOf(['ord-1', 'ord-2']), fakeContext('orders-consumer', 1_200));

    expect(heldBack()).toEqual([[process.env[ENV.QUEUE_URL], 'handle-msg-ord-2', 30]]);
  });

  it('leaves a record that failed with an error no wait can fix to the queue visibility timeout', async () => {
    dynamo.on(BatchWriteCommand).rejects(Object.assign(new Error('bad item'), { name: 'ValidationException' }));

    const response = await handler(eventOf(['ord-1']), fakeContext('orders-consumer'));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'msg-ord-1' }]);
    expect(heldBack()).toEqual([]);
  });

  it('still reports the failed records when SQS does not set their delay', async () => {
    dynamo.on(BatchWriteCommand).rejects(throttled());
    sqs.on(ChangeMessageVisibilityBatchCommand).rejects(Object.assign(new Error('down'), { name: 'ServiceUnavailable' }));

    const response = await handler(eventOf(['ord-1']), fakeContext('orders-consumer', 1_200));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'msg-ord-1' }]);
  });

  it('sends a malformed record to the DLQ at once with the reason, and stores the rest', async () => {
    dynamo.on(BatchWriteCommand).resolves({});
    const event = eventOf(['ord-1']);
    event.Records.push(sqsRecord('msg-bad', '{"version":2,"order":{}}'));

    const response = await handler(event, fakeContext('orders-consumer'));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(dynamo.commandCalls(BatchWriteCommand)).toHaveLength(1);
    expect(heldBack()).toEqual([]);
    const [deadLetter] = sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
    expect(deadLetter.QueueUrl).toBe(process.env[ENV.DEAD_LETTER_QUEUE_URL]);
    expect(deadLetter.MessageBody).toBe('{"version":2,"order":{}}');
    expect(deadLetter.MessageAttributes).toMatchObject({
      errorType: { StringValue: 'InvalidOrderMessageError' },
      errorMessage: { StringValue: expect.stringMatching(/\/version/) },
      sourceMessageId: { StringValue: 'msg-bad' },
      firstSeenAt: { StringValue: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) },
    });
  });

  it('leaves a malformed record for SQS to retry when the DLQ cannot take it', async () => {
    sqs.on(SendMessageCommand).rejects(Object.assign(new Error('down'), { name: 'ServiceUnavailable' }));

    const response = await handler({ Records: [sqsRecord('msg-bad', 'not json')] }, fakeContext('orders-consumer'));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-bad' }] });
  });

  it('skips orders that are already stored: a redelivery writes nothing', async () => {
    dynamo.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [{ orderId: 'ord-1' }, { orderId: 'ord-2' }] } });

    const response = await handler(eventOf(['ord-1', 'ord-2']), fakeContext('orders-consumer'));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(dynamo.commandCalls(BatchWriteCommand)).toHaveLength(0);
    const lookup = dynamo.commandCalls(BatchGetCommand)[0].args[0].input.RequestItems?.[TABLE];
    expect(lookup).toMatchObject({
      Keys: [
        { PK: 'ORDER#ord-1', SK: 'ORDER' },
        { PK: 'ORDER#ord-2', SK: 'ORDER' },
      ],
      ConsistentRead: true,
    });
  });
});
