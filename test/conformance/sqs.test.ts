import { GetQueueAttributesCommand, SendMessageCommand, SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local-runtime';
import { eventually } from '../support/local-runtime-harness';
import { CONFORMING, conformance, loadFixture } from './fixture';
import { type ProbeRuntime, probeForSuite } from './probe-runtime';

describe('conformance: the SQS event source delivers records as Lambda does', () => {
  const probeRuntime = probeForSuite();
  let probe: ProbeRuntime;
  let sqs: SQSClient;

  beforeAll(() => {
    probe = probeRuntime();
    sqs = new SQSClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: probe.runtime.outputs.SqsEndpoint });
  });

  afterAll(() => sqs?.destroy());

  const queueArn = async (queueUrl: string): Promise<string> =>
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn as string;

  it('a message with message attributes and an X-Ray trace header', async () => {
    const { MessageId } = await sqs.send(
      new SendMessageCommand({
        QueueUrl: probe.runtime.outputs.ProbeQueueUrl,
        MessageBody: '{"orderId":"sqs-attributes"}',
        MessageAttributes: {
          correlationId: { DataType: 'String', StringValue: 'corr-1' },
          blob: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 2]) },
        },
        MessageSystemAttributes: {
          AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1' },
        },
      }),
    );
    const { record } = await probe.sqsRecord((candidate) => candidate.messageId === MessageId, 'the record of the message with attributes');

    expect(conformance(loadFixture('sqs-record-attributes'), record)).toEqual(CONFORMING);
    expect(record.eventSourceARN).toBe(await queueArn(probe.runtime.outputs.ProbeQueueUrl));
  });

  it('a message without attributes has empty messageAttributes and a null md5OfMessageAttributes', async () => {
    const { MessageId } = await sqs.send(new SendMessageCommand({ QueueUrl: probe.runtime.outputs.ProbeQueueUrl, MessageBody: 'plain' }));
    const { record } = await probe.sqsRecord((candidate) => candidate.messageId === MessageId, 'the record of the plain message');

    expect(conformance(loadFixture('sqs-record-plain'), record)).toEqual(CONFORMING);
  });

  it('a message the redrive policy dead-lettered, moved back by a message move task, arrives as a new message', async () => {
    const failUntil = Date.now() + 2_000;
    const { MessageId } = await sqs.send(
      new SendMessageCommand({
        QueueUrl: probe.runtime.outputs.ProbeQueueUrl,
        MessageBody: 'redriven',
        MessageAttributes: { failUntil: { DataType: 'Number', StringValue: String(failUntil) } },
      }),
    );
    await probe.sqsRecord((candidate) => candidate.messageId === MessageId, 'the failed first delivery');
    const deadLetterQueueUrl = probe.runtime.outputs.ProbeDeadLetterQueueUrl;
    await eventually('the message in the DLQ (maxReceiveCount 1)', async () => {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: deadLetterQueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
      );
      return Number(Attributes?.ApproximateNumberOfMessages) > 0;
    });

    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: await queueArn(deadLetterQueueUrl) }));
    const { record } = await probe.sqsRecord(
      (candidate) => candidate.body === 'redriven' && candidate.messageId !== MessageId,
      'the redriven delivery',
    );

    expect(conformance(loadFixture('sqs-record-redriven'), record)).toEqual(CONFORMING);
  }, 30_000);
});
