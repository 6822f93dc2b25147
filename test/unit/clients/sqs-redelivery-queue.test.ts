import { ChangeMessageVisibilityBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { SqsRedeliveryQueue } from '@orders-pipeline/shared';

const sqs = mockClient(SQSClient);
const QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/orders';
const redeliveries = (count: number) => Array.from({ length: count }, (_, i) => ({ receiptHandle: `h-${i}`, delaySeconds: 30 + i }));

describe('SqsRedeliveryQueue', () => {
  beforeEach(() => sqs.reset());

  it('sets each visibility on the queue, ten entries to a call', async () => {
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });

    const unset = await new SqsRedeliveryQueue(new SQSClient({}), QUEUE).delay(redeliveries(12));

    expect(unset).toEqual([]);
    const inputs = sqs.commandCalls(ChangeMessageVisibilityBatchCommand).map((call) => call.args[0].input);
    expect(inputs.map((input) => input.Entries?.length)).toEqual([10, 2]);
    expect(inputs[0].QueueUrl).toBe(QUEUE);
    expect(inputs[1].Entries).toEqual([
      { Id: '0', ReceiptHandle: 'h-10', VisibilityTimeout: 40 },
      { Id: '1', ReceiptHandle: 'h-11', VisibilityTimeout: 41 },
    ]);
  });

  it('returns the entries SQS refused and, when a whole call fails, all of its entries, each with the reason', async () => {
    sqs
      .on(ChangeMessageVisibilityBatchCommand)
      .resolvesOnce({ Failed: [{ Id: '1', Code: 'ReceiptHandleIsInvalid', SenderFault: true, Message: 'expired' }] })
      .rejectsOnce(Object.assign(new Error('down'), { name: 'ServiceUnavailable' }));

    const unset = await new SqsRedeliveryQueue(new SQSClient({}), QUEUE).delay(redeliveries(11));

    expect(unset.map(({ redelivery, reason }) => [redelivery.receiptHandle, reason])).toEqual([
      ['h-1', 'ReceiptHandleIsInvalid: expired'],
      ['h-10', 'ServiceUnavailable: down'],
    ]);
  });
});
