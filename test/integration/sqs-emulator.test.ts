import * as path from 'node:path';
import {
  CancelMessageMoveTaskCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
  SendMessageBatchCommand,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { EmulatorProcess } from '../../local-runtime/emulators/emulator-process';
import { createEphemeralDir } from '../../local-runtime';
import { toRecord } from '../../local-runtime/sqs-event-source';
import { eventually } from '../support/local-runtime-harness';

const EMULATORS = path.join(__dirname, '..', '..', 'local-runtime', 'emulators');
const TRACE = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';

/**
 * The SQS emulator process exactly as the local runtime starts it (fauxqs and our extensions), driven with the
 * AWS SDK v3 the way a handler or `npm run dlq` drives SQS.
 */
describe('the local SQS (fauxqs process) against the AWS SDK', () => {
  const data = createEphemeralDir('orders-sqs-');
  let emulator: EmulatorProcess;
  let sqs: SQSClient;
  let sequence = 0;

  const startEmulator = (port: number) =>
    EmulatorProcess.start({
      name: 'SQS (fauxqs)',
      script: path.join(EMULATORS, 'sqs-server.mjs'),
      port,
      portFlag: '--sqs-port',
      dataDir: path.join(data.path, 'sqs'),
      logFile: path.join(data.path, 'sqs.log'),
    });

  beforeAll(async () => {
    emulator = await startEmulator(0);
    sqs = new SQSClient({
      region: 'us-east-1',
      endpoint: emulator.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }, 30_000);

  afterAll(async () => {
    sqs?.destroy();
    await emulator?.stop();
    data.remove();
  }, 30_000);

  const arnOf = async (queueUrl: string) =>
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn ?? '';

  /** An order queue whose messages go to its DLQ on their second receive, each case with its own pair. */
  const queuePair = async () => {
    sequence += 1;
    const { QueueUrl: dlqUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: `it-dlq-${sequence}` }));
    const dlqArn = await arnOf(dlqUrl);
    const { QueueUrl: queueUrl = '' } = await sqs.send(
      new CreateQueueCommand({
        QueueName: `it-orders-${sequence}`,
        Attributes: { VisibilityTimeout: '0', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) },
      }),
    );
    return { queueUrl, queueArn: await arnOf(queueUrl), dlqUrl, dlqArn };
  };

  const receive = async (queueUrl: string, max = 10, visibilitySeconds?: number): Promise<Message[]> =>
    (
      await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: max,
          VisibilityTimeout: visibilitySeconds,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      )
    ).Messages ?? [];

  const depth = async (queueUrl: string) => {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
  };

  /** Sends the bodies to the order queue and receives them until SQS moved them all to the DLQ (maxReceiveCount 1). */
  const deadLetter = async (queueUrl: string, dlqUrl: string, bodies: string[]) => {
    for (const body of bodies) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: body,
          MessageAttributes: { orderId: { DataType: 'String', StringValue: body } },
        }),
      );
    }
    await eventually('every message in the DLQ', async () => {
      await receive(queueUrl);
      return (await depth(dlqUrl)) === bodies.length && (await depth(queueUrl)) === 0;
    });
  };

  it('marks a message SQS moved to the DLQ with DeadLetterQueueSourceArn, and gives AWS-shaped SenderId and receipt handles', async () => {
    const { queueUrl, queueArn, dlqUrl } = await queuePair();
    await deadLetter(queueUrl, dlqUrl, ['ord-1']);

    const [message] = await receive(dlqUrl, 1, 30);

    expect(message.Attributes).toMatchObject({ DeadLetterQueueSourceArn: queueArn, SenderId: expect.stringMatching(/^AIDA[A-Z2-7]{17}$/) });
    expect(message.ReceiptHandle).toMatch(/^AQEB[A-Za-z0-9+/]{200,}/);
    // The handle works as fauxqs's own did: visibility back to 0, then a delete with a fresh handle.
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: dlqUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }));
    const [again] = await sqs
      .send(
        new ReceiveMessageCommand({ QueueUrl: dlqUrl, VisibilityTimeout: 30, MessageSystemAttributeNames: ['DeadLetterQueueSourceArn'] }),
      )
      .then((answer) => answer.Messages ?? []);
    expect(again.Attributes).toEqual({ DeadLetterQueueSourceArn: queueArn });
    await sqs.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: again.ReceiptHandle }));
    expect(await depth(dlqUrl)).toBe(0);
  });

  it('keeps AWSTraceHeader sent as a message system attribute, one per batch entry, into the Lambda record', async () => {
    const { queueUrl } = await queuePair();
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: 'single',
        MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: TRACE } },
      }),
    );
    const batch = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          {
            Id: 'a',
            MessageBody: 'traced',
            MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: `${TRACE}-a` } },
          },
          { Id: 'b', MessageBody: 'untraced' },
        ],
      }),
    );
    expect(sent.MD5OfMessageSystemAttributes).toMatch(/^[0-9a-f]{32}$/);
    expect(batch.Successful?.find((entry) => entry.Id === 'b')).not.toHaveProperty('MD5OfMessageSystemAttributes');

    const byBody = new Map((await receive(queueUrl, 10, 30)).map((message) => [message.Body, message]));

    expect(byBody.get('single')?.Attributes?.AWSTraceHeader).toBe(TRACE);
    expect(byBody.get('traced')?.Attributes?.AWSTraceHeader).toBe(`${TRACE}-a`);
    expect(byBody.get('untraced')?.Attributes).not.toHaveProperty('AWSTraceHeader');
    expect(toRecord(byBody.get('single') as Message, 'arn:aws:sqs:us-east-1:000000000000:q').attributes.AWSTraceHeader).toBe(TRACE);
  });

  it('takes AWSTraceHeader from the X-Amzn-Trace-Id header of a send (as from a function), unless the message names its own', async () => {
    const { queueUrl } = await queuePair();
    // What the SDK's recursion-detection middleware adds inside Lambda, from _X_AMZN_TRACE_ID.
    const traced = new SQSClient({
      region: 'us-east-1',
      endpoint: emulator.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    traced.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { headers: Record<string, string> }).headers['X-Amzn-Trace-Id'] = `${TRACE}-header`;
        return next(args);
      },
      { step: 'build', name: 'traceHeader' },
    );
    try {
      await traced.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: [
            { Id: 'a', MessageBody: 'from the header' },
            { Id: 'b', MessageBody: 'its own', MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: TRACE } } },
          ],
        }),
      );
    } finally {
      traced.destroy();
    }

    const byBody = new Map((await receive(queueUrl, 10, 30)).map((message) => [message.Body, message.Attributes?.AWSTraceHeader]));

    expect(byBody).toEqual(
      new Map([
        ['from the header', `${TRACE}-header`],
        ['its own', TRACE],
      ]),
    );
  });

  it('gives the Lambda record the same md5OfMessageAttributes SQS computed for the message', async () => {
    const { queueUrl } = await queuePair();
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: 'with attributes',
        MessageAttributes: {
          orderId: { DataType: 'String', StringValue: 'ord-9' },
          attempt: { DataType: 'Number', StringValue: '3' },
          raw: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 2, 250]) },
        },
      }),
    );

    const [message] = await receive(queueUrl, 1, 30);

    expect(toRecord(message, 'arn:aws:sqs:us-east-1:000000000000:q').md5OfMessageAttributes).toBe(message.MD5OfMessageAttributes);
  });

  it('lists the queues that use a DLQ, and refuses an unknown queue', async () => {
    const { queueUrl, dlqUrl } = await queuePair();

    expect((await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlqUrl }))).queueUrls).toEqual([queueUrl]);
    await expect(sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: `${dlqUrl}-nope` }))).rejects.toMatchObject({
      name: 'QueueDoesNotExist',
    });
  });

  it('moves dead-lettered messages back to their source with a move task, as new messages', async () => {
    const { queueUrl, dlqUrl, dlqArn } = await queuePair();
    await deadLetter(queueUrl, dlqUrl, ['ord-a', 'ord-b', 'ord-c']);
    const before = (await receive(dlqUrl, 10, 0)).map((message) => message.MessageId);

    const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));

    const done = await eventually('the task completed', async () => {
      const [task] = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }))).Results ?? [];
      return task?.Status === 'COMPLETED' && task;
    });
    expect(TaskHandle).toEqual(expect.any(String));
    expect(done).toEqual({
      Status: 'COMPLETED',
      SourceArn: dlqArn,
      ApproximateNumberOfMessagesMoved: 3,
      ApproximateNumberOfMessagesToMove: 3,
      StartedTimestamp: expect.any(Number),
    });
    expect(await depth(dlqUrl)).toBe(0);
    const moved = await receive(queueUrl, 10, 30);
    expect(moved.map((message) => message.Body).sort()).toEqual(['ord-a', 'ord-b', 'ord-c']);
    for (const message of moved) {
      // "Redriven messages are considered new messages with a new messageID and enqueueTime."
      expect(before).not.toContain(message.MessageId);
      expect(message.Attributes?.ApproximateReceiveCount).toBe('1');
      expect(message.Attributes).not.toHaveProperty('DeadLetterQueueSourceArn');
      expect(message.MessageAttributes?.orderId.StringValue).toBe(message.Body);
    }
  });

  it('moves no faster than MaxNumberOfMessagesPerSecond and stops on CancelMessageMoveTask, the rest left in the DLQ', async () => {
    const { queueUrl, queueArn, dlqUrl, dlqArn } = await queuePair();
    await deadLetter(queueUrl, dlqUrl, ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7']);

    const { TaskHandle } = await sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn: queueArn, MaxNumberOfMessagesPerSecond: 2 }),
    );
    await expect(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
    });
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const { ApproximateNumberOfMessagesMoved: movedAtCancel = 0 } = await sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle }));

    // 1.2 s at 2/s: the first at once, then one each 0.5 s.
    expect(movedAtCancel).toBeGreaterThanOrEqual(2);
    expect(movedAtCancel).toBeLessThanOrEqual(4);
    const cancelled = await eventually('the task cancelled', async () => {
      const [task] = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 10 }))).Results ?? [];
      return task?.Status === 'CANCELLED' && task;
    });
    expect(cancelled).toMatchObject({
      ApproximateNumberOfMessagesMoved: movedAtCancel,
      MaxNumberOfMessagesPerSecond: 2,
      DestinationArn: queueArn,
    });
    expect(cancelled).not.toHaveProperty('TaskHandle');
    expect(await depth(dlqUrl)).toBe(8 - movedAtCancel);
    await expect(sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Task does not exist.',
    });
  });

  it('answers the move-task calls SQS refuses with SQS’s errors', async () => {
    const { queueArn, dlqArn } = await queuePair();
    const refusal = (sent: Promise<unknown>) =>
      sent.then(
        () => undefined,
        (error: unknown) => error,
      );

    expect(await refusal(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: `${dlqArn}-nope` })))).toMatchObject({
      name: 'ResourceNotFoundException',
      message: "The resource that you specified for the SourceArn parameter doesn't exist.",
      $metadata: { httpStatusCode: 404 },
    });
    expect(await refusal(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: queueArn })))).toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Source queue must be configured as a Dead Letter Queue.',
      $metadata: { httpStatusCode: 400 },
    });
    expect(
      await refusal(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn: `${queueArn}-nope` }))),
    ).toMatchObject({
      name: 'ResourceNotFoundException',
      message: "The resource that you specified for the DestinationArn parameter doesn't exist.",
    });
    expect(
      await refusal(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 501 }))),
    ).toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Value 501 for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be between 1 and 500.',
    });
    expect(await refusal(sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 11 })))).toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Value 11 for parameter MaxResults is invalid. Reason: Must be between 1 and 10.',
    });
    expect(await refusal(sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: 'foobared' })))).toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Value for parameter TaskHandle is invalid.',
    });
  });

  // Last: it restarts the emulator.
  it('keeps the system attributes and honours earlier receipt handles across a restart', async () => {
    const { queueUrl, queueArn, dlqUrl } = await queuePair();
    await deadLetter(queueUrl, dlqUrl, ['kept']);
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: 'traced',
        MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: TRACE } },
      }),
    );
    const [held] = await receive(queueUrl, 1, 600);
    const senderId = held.Attributes?.SenderId;

    const port = emulator.port;
    await emulator.stop();
    emulator = await startEmulator(port);

    const [dead] = await receive(dlqUrl, 1, 30);
    expect(dead.Attributes).toMatchObject({ DeadLetterQueueSourceArn: queueArn, SenderId: senderId });
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: held.ReceiptHandle }));
    expect(await depth(queueUrl)).toBe(0);
  }, 30_000);
});
