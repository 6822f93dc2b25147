import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { redriveByCopy } from '../../../ops/dlq/redrive-by-copy';
import { MAX_RECEIVES_REASON, viewDeadLetter } from '../../../ops/dlq/dead-letter-view';

const sqs = mockClient(SQSClient);
const DLQ = 'https://sqs.us-east-1.amazonaws.com/123456789012/orders-dlq';
const QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/orders';

const message = (id: string, errorType?: string): Message => ({
  MessageId: id,
  ReceiptHandle: `handle-${id}`,
  Body: JSON.stringify({ version: 1, order: { orderId: `order-${id}` } }),
  Attributes: { SentTimestamp: '1795435200000', ApproximateReceiveCount: '4' },
  MessageAttributes: {
    orderId: { DataType: 'String', StringValue: `order-${id}` },
    ...(errorType
      ? {
          errorType: { DataType: 'String', StringValue: errorType },
          errorMessage: { DataType: 'String', StringValue: 'bad' },
          firstSeenAt: { DataType: 'String', StringValue: '2026-11-23T12:00:00.000Z' },
          sourceMessageId: { DataType: 'String', StringValue: 'src' },
        }
      : {}),
  },
});

const run = (options: Partial<Parameters<typeof redriveByCopy>[0]> = {}) =>
  redriveByCopy({ sqs: sqs as unknown as SQSClient, deadLetterQueueUrl: DLQ, queueUrl: QUEUE, ...options });

describe('redriveByCopy', () => {
  beforeEach(() => {
    sqs.reset();
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
    sqs.on(DeleteMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    sqs
      .on(SendMessageBatchCommand)
      .callsFake(({ Entries = [] }) => ({ Successful: Entries.map((e: { Id: string }) => ({ Id: e.Id })), Failed: [] }));
  });

  it('sends each message as first queued (without the dead-letter reason) and deletes it from the DLQ only after', async () => {
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [message('a', 'InvalidOrderMessageError'), message('b')] })
      .resolves({});

    expect(await run()).toEqual({ moved: 2, skipped: 0, failed: 0 });

    const sent = sqs.commandCalls(SendMessageBatchCommand)[0].args[0].input;
    expect(sent.QueueUrl).toBe(QUEUE);
    // The reason goes; a note of the DLQ message it was comes, for the consumer's log and npm run trace.
    expect(sent.Entries?.[0].MessageAttributes).toEqual({
      orderId: { DataType: 'String', StringValue: 'order-a' },
      redrivenFrom: { DataType: 'String', StringValue: 'a' },
    });
    const deleted = sqs.commandCalls(DeleteMessageBatchCommand)[0].args[0].input;
    expect(deleted.Entries?.map((e) => e.ReceiptHandle)).toEqual(['handle-a', 'handle-b']);
  });

  it('never deletes a message whose copy SQS refused: it stays in the DLQ, made visible again at the end', async () => {
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [message('a'), message('b')] })
      .resolves({});
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [{ Id: '1', MessageId: 'x', MD5OfMessageBody: '' }],
      Failed: [{ Id: '0', SenderFault: false, Code: 'InternalError' }],
    });

    expect(await run()).toEqual({ moved: 1, skipped: 0, failed: 1 });

    expect(sqs.commandCalls(DeleteMessageBatchCommand)[0].args[0].input.Entries?.map((e) => e.ReceiptHandle)).toEqual(['handle-b']);
    const released = sqs.commandCalls(ChangeMessageVisibilityBatchCommand)[0].args[0].input.Entries;
    expect(released).toEqual([{ Id: '0', ReceiptHandle: 'handle-a', VisibilityTimeout: 0 }]);
  });

  it('deletes nothing when the send call fails outright', async () => {
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [message('a')] })
      .resolves({});
    sqs.on(SendMessageBatchCommand).rejects(new Error('timeout'));

    expect(await run()).toEqual({ moved: 0, skipped: 0, failed: 1 });
    expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(0);
  });

  it('leaves messages that do not match the filter, each counted once even if received again', async () => {
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [message('a', 'InvalidOrderMessageError'), message('b')] })
      .resolvesOnce({ Messages: [{ ...message('a', 'InvalidOrderMessageError'), ReceiptHandle: 'handle-a-2' }] })
      .resolves({});

    const result = await run({ filter: (view) => view.reason === MAX_RECEIVES_REASON });

    expect(result).toEqual({ moved: 1, skipped: 1, failed: 0 });
    const released = sqs.commandCalls(ChangeMessageVisibilityBatchCommand).flatMap((call) => call.args[0].input.Entries ?? []);
    expect(released.map((e) => e.ReceiptHandle)).toEqual(['handle-a-2']);
  });

  it('moves nothing in a dry run and releases everything it read', async () => {
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [message('a'), message('b')] })
      .resolves({});

    expect(await run({ dryRun: true })).toEqual({ moved: 2, skipped: 0, failed: 0 });
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
    expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(0);
    expect(sqs.commandCalls(ChangeMessageVisibilityBatchCommand)[0].args[0].input.Entries).toHaveLength(2);
  });

  it('stops after maxMoves moves and leaves the rest in the DLQ, so a message that keeps coming back is not moved forever', async () => {
    let next = 0;
    // Every receive finds a new message, as when the consumer dead-letters each moved message again.
    sqs.on(ReceiveMessageCommand).callsFake(({ MaxNumberOfMessages = 10 }) => ({
      Messages: Array.from({ length: MaxNumberOfMessages }, () => {
        next += 1;
        return message(`m${next}`);
      }),
    }));

    expect(await run({ maxMoves: 13 })).toEqual({ moved: 13, skipped: 0, failed: 0 });
    expect(sqs.commandCalls(ReceiveMessageCommand).map((call) => call.args[0].input.MaxNumberOfMessages)).toEqual([10, 3]);
  });

  it('receives no more than the rate per batch when the rate is under 10 per second', async () => {
    sqs.on(ReceiveMessageCommand).resolves({});

    await run({ ratePerSecond: 3 });

    expect(sqs.commandCalls(ReceiveMessageCommand)[0].args[0].input.MaxNumberOfMessages).toBe(3);
  });
});

describe('viewDeadLetter', () => {
  it('shows the consumer reason when it dead-lettered the message, MaxReceiveCountExceeded otherwise', () => {
    const now = new Date(1795435200000 + 90_000);
    expect(viewDeadLetter(message('a', 'InvalidOrderMessageError'), now)).toEqual({
      messageId: 'a',
      orderId: 'order-a',
      reason: 'InvalidOrderMessageError',
      errorMessage: 'bad',
      retryable: false,
      sourceMessageId: 'src',
      body: JSON.stringify({ version: 1, order: { orderId: 'order-a' } }),
      previousReceives: 3,
      firstSentAt: new Date(1795435200000),
      ageMs: 90_000,
    });
    expect(viewDeadLetter(message('b'), now)).toMatchObject({ reason: MAX_RECEIVES_REASON, retryable: true, sourceMessageId: 'b' });
  });

  it('reads the orderId from the body when the attribute is missing, and copes with a body that is not JSON', () => {
    expect(viewDeadLetter({ ...message('a'), MessageAttributes: {} }).orderId).toBe('order-a');
    expect(viewDeadLetter({ ...message('a'), MessageAttributes: {}, Body: 'not json' }).orderId).toBeUndefined();
  });
});
