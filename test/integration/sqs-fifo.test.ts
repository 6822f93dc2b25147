import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { EmulatorProcess } from '../../local-runtime/emulators/emulator-process';
import { createEphemeralDir } from '../../local-runtime/ephemeral-dir';
import { EnvironmentBudget } from '../../local-runtime/lambda/environment-budget';
import { LocalFunction } from '../../local-runtime/lambda/local-function';
import { buildRuntimeSdkFolder } from '../../local-runtime/lambda/runtime-sdk';
import { type BatchSummary, SqsEventSource } from '../../local-runtime/sqs-event-source';
import { eventually } from '../support/local-runtime-harness';

const ROOT = path.join(__dirname, '..', '..');
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** A FIFO consumer as Powertools documents it: a failed record fails the rest of its group, other groups go on. */
const FIFO_CONSUMER = `
const { SqsFifoPartialProcessor, processPartialResponseSync } = require('@aws-lambda-powertools/batch');
const processor = new SqsFifoPartialProcessor();
const recordHandler = (record) => {
  if (record.body === 'a2' && record.attributes.ApproximateReceiveCount === '1') throw new Error('a2 fails on its first delivery');
  console.log('PROCESSED ' + record.body + ' ' + record.attributes.MessageGroupId + ' ' + record.attributes.SequenceNumber);
};
exports.handler = async (event, context) => processPartialResponseSync(event, recordHandler, processor, { context, skipGroupOnError: true });`;

describe('FIFO queues on the local SQS and its event source', () => {
  const data = createEphemeralDir('orders-sqs-fifo-');
  let emulator: EmulatorProcess;
  let sqs: SQSClient;
  let sequence = 0;

  const start = async () => {
    emulator = await EmulatorProcess.start({
      name: 'SQS (fauxqs)',
      script: path.join(ROOT, 'local-runtime', 'emulators', 'sqs-server.mjs'),
      port: 0,
      portFlag: '--sqs-port',
      dataDir: path.join(data.path, 'sqs'),
      logFile: path.join(data.path, 'sqs.log'),
    });
    sqs = new SQSClient({ region: 'us-east-1', endpoint: emulator.endpoint, credentials: CREDENTIALS, useQueueUrlAsEndpoint: false });
  };

  beforeAll(() => start(), 30_000);

  afterAll(async () => {
    sqs?.destroy();
    await emulator?.stop();
    data.remove();
  }, 30_000);

  const fifoQueue = async (attributes: Record<string, string> = {}) => {
    sequence += 1;
    const { QueueUrl = '' } = await sqs.send(
      new CreateQueueCommand({
        QueueName: `it-fifo-${sequence}.fifo`,
        Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true', ...attributes },
      }),
    );
    return QueueUrl;
  };
  /** Sends [group, body] pairs in this order. */
  const send = async (QueueUrl: string, messages: [string, string][]) => {
    for (const [MessageGroupId, MessageBody] of messages) await sqs.send(new SendMessageCommand({ QueueUrl, MessageGroupId, MessageBody }));
  };
  const receive = async (QueueUrl: string, MaxNumberOfMessages = 10, VisibilityTimeout = 30): Promise<Message[]> =>
    (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages, VisibilityTimeout, MessageSystemAttributeNames: ['All'] })))
      .Messages ?? [];
  const bodies = (messages: Message[]) => messages.map((message) => message.Body);
  const INTERLEAVED: [string, string][] = [
    ['g1', 'a1'],
    ['g2', 'b1'],
    ['g1', 'a2'],
    ['g2', 'b2'],
    ['g1', 'a3'],
  ];

  it('receives as many messages of one group as it can, in order, before the next group, with their FIFO attributes', async () => {
    const queueUrl = await fifoQueue();
    await send(queueUrl, INTERLEAVED);

    const received = await receive(queueUrl);

    expect(bodies(received)).toEqual(['a1', 'a2', 'a3', 'b1', 'b2']);
    const sequenceNumbers = received.map((message) => message.Attributes?.SequenceNumber ?? '');
    expect(received[0].Attributes).toMatchObject({
      MessageGroupId: 'g1',
      MessageDeduplicationId: expect.any(String),
      SequenceNumber: expect.stringMatching(/^\d{20}$/),
    });
    expect([...sequenceNumbers.slice(0, 3)].sort()).toEqual(sequenceNumbers.slice(0, 3));
  });

  it('keeps a group locked while any message of it is in flight', async () => {
    const queueUrl = await fifoQueue();
    await send(queueUrl, INTERLEAVED);

    const first = await receive(queueUrl, 2);
    const second = await receive(queueUrl);
    for (const message of first) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    const third = await receive(queueUrl);

    expect([bodies(first), bodies(second), bodies(third)]).toEqual([['a1', 'a2'], ['b1', 'b2'], ['a3']]);
  });

  it('gives messages of a group that come back together in their order, not reversed', async () => {
    const queueUrl = await fifoQueue();
    await send(
      queueUrl,
      INTERLEAVED.filter(([group]) => group === 'g1'),
    );

    const first = await receive(queueUrl);
    for (const message of first) {
      await sqs.send(
        new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }),
      );
    }
    const again = await receive(queueUrl, 10, 1);
    const afterTimeout = await eventually('the messages back after their visibility timeout', async () => {
      const messages = await receive(queueUrl);
      return messages.length > 0 ? messages : undefined;
    });

    expect([bodies(first), bodies(again), bodies(afterTimeout)]).toEqual([
      ['a1', 'a2', 'a3'],
      ['a1', 'a2', 'a3'],
      ['a1', 'a2', 'a3'],
    ]);
  });

  it('deduplicates by id and by content within the window, across a restart of the emulator too', async () => {
    const queueUrl = await fifoQueue();
    const sendOne = (body: string, MessageDeduplicationId?: string) =>
      sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageGroupId: 'g', MessageBody: body, MessageDeduplicationId }));

    const byId = await sendOne('first', 'order-1');
    const sameId = await sendOne('another body', 'order-1');
    const byContent = await sendOne('same body');
    const sameContent = await sendOne('same body');
    sqs.destroy();
    await emulator.stop();
    await start();
    const restartedQueueUrl = queueUrl.replace(/^http:\/\/[^/]+/, emulator.endpoint);
    const afterRestart = await sqs.send(
      new SendMessageCommand({ QueueUrl: restartedQueueUrl, MessageGroupId: 'g', MessageBody: 'after', MessageDeduplicationId: 'order-1' }),
    );
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: restartedQueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );

    expect(sameId).toMatchObject({ MessageId: byId.MessageId, SequenceNumber: byId.SequenceNumber });
    expect(sameContent.MessageId).toBe(byContent.MessageId);
    expect(afterRestart.MessageId).toBe(byId.MessageId);
    expect(Attributes?.ApproximateNumberOfMessages).toBe('2');
  }, 60_000);

  it("runs a SqsFifoPartialProcessor consumer as Lambda's FIFO event source does: a failed record holds back the rest of its group only", async () => {
    const queueUrl = await fifoQueue({ VisibilityTimeout: '2' });
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
    const codeDir = path.join(data.path, 'fifo-consumer');
    const layer = path.join(data.path, 'powertools-layer', 'nodejs', 'node_modules');
    mkdirSync(codeDir, { recursive: true });
    mkdirSync(layer, { recursive: true });
    writeFileSync(path.join(codeDir, 'index.js'), FIFO_CONSUMER);
    // The layer the project's functions use holds Powertools; here a link to the installed packages stands for it.
    symlinkSync(path.join(ROOT, 'node_modules', '@aws-lambda-powertools'), path.join(layer, '@aws-lambda-powertools'), 'dir');
    const logFile = path.join(data.path, 'fifo-consumer.log');
    const fn = new LocalFunction(
      {
        logicalId: 'FifoConsumer',
        functionName: 'fifo-consumer',
        codeDir,
        handler: 'index.handler',
        timeoutSeconds: 2,
        memorySizeMb: 128,
        environment: {},
        modulePaths: [layer, buildRuntimeSdkFolder(path.join(data.path, 'lambda-runtime'), path.join(ROOT, 'node_modules'))],
        logFile,
      },
      { budget: new EnvironmentBudget(4, 2) },
    );
    const batches: BatchSummary[] = [];
    const source = new SqsEventSource(
      sqs,
      fn,
      {
        queueUrl,
        queueArn: Attributes?.QueueArn ?? '',
        batchSize: 10,
        maxBatchingWindowSeconds: 0,
        maxConcurrency: 2,
        reportBatchItemFailures: true,
        random: () => 1,
      },
      (batch) => batches.push(batch),
      () => undefined,
    );
    await send(queueUrl, INTERLEAVED);
    source.start();
    const processed = await eventually('all five records processed', () => {
      const lines = readFileSync(logFile, 'utf8')
        .split('\n')
        .filter((line) => line.includes('PROCESSED '))
        .map((line) => line.slice(line.indexOf('PROCESSED ') + 'PROCESSED '.length).split(' '));
      return lines.length >= 5 ? lines : undefined;
    });
    await source.stop();
    await fn.stop();

    const inGroup = (group: string) => processed.filter(([, groupId]) => groupId === group).map(([body]) => body);
    expect({ g1: inGroup('g1'), g2: inGroup('g2'), total: processed.length }).toEqual({
      g1: ['a1', 'a2', 'a3'],
      g2: ['b1', 'b2'],
      total: 5,
    });
    expect(batches[0]).toMatchObject({ records: 5, succeeded: 3, failed: 2 });
    expect(batches.slice(1).map((batch) => [batch.records, batch.succeeded])).toEqual([[2, 2]]);
  }, 60_000);
});
