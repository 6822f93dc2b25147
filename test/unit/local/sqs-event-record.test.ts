import type { Message } from '@aws-sdk/client-sqs';
import { toRecord } from '../../../local-runtime/sqs-event-source';

const QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:orders';

describe('toRecord (the Lambda SQS event record)', () => {
  const received: Message = {
    MessageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
    ReceiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a',
    MD5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
    Body: 'Test message.',
    Attributes: {
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      SentTimestamp: '1545082649183',
      ApproximateReceiveCount: '1',
      ApproximateFirstReceiveTimestamp: '1545082649185',
      AWSTraceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1',
    },
  };

  it('has exactly the fields of AWS’s sample, md5OfMessageAttributes null without attributes', () => {
    const record = toRecord(received, QUEUE_ARN);

    expect(record).toEqual({
      messageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
      receiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a',
      body: 'Test message.',
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '1545082649183',
        SenderId: 'AIDAIENQZJOLO23YVJ4VO',
        ApproximateFirstReceiveTimestamp: '1545082649185',
        AWSTraceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1',
      },
      messageAttributes: {},
      md5OfMessageAttributes: null,
      md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
      eventSource: 'aws:sqs',
      eventSourceARN: QUEUE_ARN,
      awsRegion: 'us-east-1',
    });
    // null, not left out: a JSON event shows the key.
    expect(JSON.parse(JSON.stringify(record))).toHaveProperty('md5OfMessageAttributes', null);
  });

  it('shapes message attributes as Lambda does, with the digest SQS gives them', () => {
    const record = toRecord(
      {
        ...received,
        MessageAttributes: {
          orderId: { DataType: 'String', StringValue: 'ord-1' },
          attempt: { DataType: 'Number', StringValue: '2' },
          blob: { DataType: 'Binary', BinaryValue: Buffer.from('test_attribute_value') },
        },
        MD5OfMessageAttributes: 'd21ae90c49061e927f57df5f5d72be1f',
      },
      QUEUE_ARN,
    );

    expect(record.messageAttributes).toEqual({
      orderId: { stringValue: 'ord-1', stringListValues: [], binaryListValues: [], dataType: 'String' },
      attempt: { stringValue: '2', stringListValues: [], binaryListValues: [], dataType: 'Number' },
      blob: { binaryValue: 'dGVzdF9hdHRyaWJ1dGVfdmFsdWU=', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
    });
    expect(record.md5OfMessageAttributes).toBe('d21ae90c49061e927f57df5f5d72be1f');
    expect(record.md5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
  });

  it('carries FIFO and dead-letter system attributes only when the message has them', () => {
    const fifo = toRecord(
      {
        ...received,
        Attributes: { ...received.Attributes, MessageGroupId: 'g1', MessageDeduplicationId: 'd1', SequenceNumber: '18849496460467696128' },
      },
      QUEUE_ARN,
    );

    expect(fifo.attributes).toMatchObject({ MessageGroupId: 'g1', MessageDeduplicationId: 'd1', SequenceNumber: '18849496460467696128' });
    expect(Object.keys(toRecord({ ...received, Attributes: { SenderId: 'AIDAIENQZJOLO23YVJ4VO' } }, QUEUE_ARN).attributes).sort()).toEqual([
      'ApproximateFirstReceiveTimestamp',
      'ApproximateReceiveCount',
      'SenderId',
      'SentTimestamp',
    ]);
  });
});
