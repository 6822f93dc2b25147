import {
  DeleteMessageBatchCommand,
  type Message,
  type MessageAttributeValue,
  MessageSystemAttributeName,
  ReceiveMessageCommand,
  type SQSClient,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SQSMessageAttribute, SQSRecord, SQSRecordAttributes } from 'aws-lambda';
import { batchEntries, batchItemsNamed } from '../shared-layer/src/tooling';
import type { LocalFunction } from './lambda/local-function';
import { LOCAL_REGION } from './intrinsics';

export interface EventSourceSettings {
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  readonly maxConcurrency: number;
  readonly reportBatchItemFailures: boolean;
  /** Fault injection: this fraction of succeeded records is sent again before being deleted. */
  readonly duplicateDeliveryRate?: number;
  /** Draws the duplicate deliveries; seeded by the runtime so a run can be replayed. */
  readonly random: () => number;
}

export interface BatchSummary {
  readonly functionName: string;
  readonly records: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly durationMs: number;
  readonly messageIds: readonly string[];
  readonly failedMessageIds: readonly string[];
  readonly receiveCounts: readonly number[];
  /** For each succeeded record: ms from SQS taking the message (SentTimestamp) to this batch succeeding. */
  readonly sentToDoneMs: readonly number[];
  /** Records sent once more by duplicate-delivery fault injection. */
  readonly duplicatesInjected: number;
  /** Summed embedded-metric-format values the invocation logged (e.g. ordersStored, duplicatesSkipped, sentToDlq). */
  readonly metrics: Readonly<Record<string, number>>;
  readonly coldStart: boolean;
  /** Why the whole batch failed (thrown error, timeout, malformed response), when it did, and what could not be deleted. */
  readonly error?: string;
}

const SQS_RECEIVE_MAX = 10;

/** A record as Lambda delivers it: md5OfMessageAttributes is null for a message without attributes (SQSRecord's type has no null). */
export type LambdaSqsRecord = Omit<SQSRecord, 'md5OfMessageAttributes'> & { md5OfMessageAttributes: string | null };

// System attributes a record carries only when the message has them: X-Ray's header, FIFO's group, deduplication id
// and sequence number, and the queue a message was dead-lettered from (for a function reading a DLQ).
const OPTIONAL_SYSTEM_ATTRIBUTES = [
  'AWSTraceHeader',
  'MessageGroupId',
  'MessageDeduplicationId',
  'SequenceNumber',
  'DeadLetterQueueSourceArn',
] as const satisfies readonly (keyof SQSRecordAttributes)[];

const recordAttributes = (message: Message): SQSRecordAttributes => {
  const received = message.Attributes ?? {};
  const attributes: SQSRecordAttributes = {
    ApproximateReceiveCount: received.ApproximateReceiveCount ?? '1',
    SentTimestamp: received.SentTimestamp ?? String(Date.now()),
    SenderId: received.SenderId ?? '',
    ApproximateFirstReceiveTimestamp: received.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
  };
  for (const name of OPTIONAL_SYSTEM_ATTRIBUTES) {
    const value = received[name];
    if (value !== undefined) attributes[name] = value;
  }
  return attributes;
};

/** Lambda's shape of a message attribute: the value under its type, both lists always present and empty. */
const recordMessageAttribute = ({ DataType: dataType = 'String', StringValue, BinaryValue }: MessageAttributeValue): SQSMessageAttribute =>
  BinaryValue !== undefined
    ? { binaryValue: Buffer.from(BinaryValue).toString('base64'), stringListValues: [], binaryListValues: [], dataType }
    : { stringValue: StringValue, stringListValues: [], binaryListValues: [], dataType };

/** The record Lambda's event source mapping builds from a received message, field for field (Lambda developer guide). */
export const toRecord = (message: Message, queueArn: string): LambdaSqsRecord => {
  const messageAttributes = Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, recordMessageAttribute(value)]),
  );
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: recordAttributes(message),
    messageAttributes,
    // SQS's own digest, which the SDK checked on receive; SQS sends none for a message without attributes.
    md5OfMessageAttributes: message.MD5OfMessageAttributes ?? null,
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: LOCAL_REGION,
  };
};

/**
 * Which records of a successful invocation failed, by Lambda's rules for ReportBatchItemFailures:
 * a null/empty response or list means all succeeded; a malformed, empty or unknown itemIdentifier
 * fails the whole batch.
 */
export const failedRecordIds = (
  response: unknown,
  messageIds: readonly string[],
): { readonly failed: ReadonlySet<string>; readonly malformed?: string } => {
  const all = new Set(messageIds);
  if (response === null || response === undefined) return { failed: new Set() };
  if (typeof response !== 'object') return { failed: all, malformed: 'response is not an object' };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === null || failures === undefined) return { failed: new Set() };
  if (!Array.isArray(failures)) return { failed: all, malformed: 'batchItemFailures is not a list' };
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !all.has(id)) {
      return { failed: all, malformed: `invalid itemIdentifier ${JSON.stringify(id)}` };
    }
    failed.add(id);
  }
  return { failed };
};

const POLL_BACKOFF_MS = { first: 100, max: 5_000 };

const describeError = (error: unknown): string => {
  const { name, message, code } = error as { name?: string; message?: string; code?: string };
  return [name, code, message].filter(Boolean).join(': ') || String(error);
};

/**
 * Polls a queue and invokes a function with batches the way Lambda's SQS event source mapping does:
 * long polling; up to BatchSize records gathered until MaximumBatchingWindowInSeconds runs out (0:
 * invoke with what one receive returns); at most MaximumConcurrency batches in flight; deletes the
 * records that succeeded. Failed records are left alone and come back after the visibility timeout.
 */
export class SqsEventSource {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  /** Set by reconfigure: the batch being gathered is cut short so that the next one follows the new settings. */
  private cutGather = false;
  private gathering: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly sqs: SQSClient,
    private readonly fn: LocalFunction,
    private settings: EventSourceSettings,
    private readonly onBatch: (summary: BatchSummary) => void,
    private readonly log: (line: string) => void,
  ) {}

  get batching(): Pick<EventSourceSettings, 'batchSize' | 'maxBatchingWindowSeconds' | 'maxConcurrency' | 'reportBatchItemFailures'> {
    const { batchSize, maxBatchingWindowSeconds, maxConcurrency, reportBatchItemFailures } = this.settings;
    return { batchSize, maxBatchingWindowSeconds, maxConcurrency, reportBatchItemFailures };
  }

  /**
   * New batching settings (watch mode): the batch being gathered is invoked with what it has, and every batch
   * gathered after this resolves follows the new settings. Records are neither released nor received again.
   */
  async reconfigure(changes: Partial<EventSourceSettings>): Promise<void> {
    this.settings = { ...this.settings, ...changes };
    this.cutGather = true;
    await this.gathering;
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Stops polling, invokes what was already gathered, and waits for in-flight batches. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await Promise.all(this.inFlight);
  }

  private async run(): Promise<void> {
    let backoffMs = 0;
    let failedPolls = 0;
    while (this.running) {
      while (this.inFlight.size >= this.settings.maxConcurrency) await Promise.race(this.inFlight);
      let messages: Message[];
      try {
        const gathered = this.gather();
        this.gathering = gathered.catch(() => undefined);
        messages = await gathered;
      } catch (error) {
        if (!this.running) break;
        // The emulator restarting or a transient error: back off and poll again, as Lambda's pollers do.
        failedPolls += 1;
        backoffMs = Math.min(POLL_BACKOFF_MS.max, backoffMs === 0 ? POLL_BACKOFF_MS.first : backoffMs * 2);
        if (failedPolls === 1 || backoffMs === POLL_BACKOFF_MS.max) {
          this.log(`event source ${this.queueName}: ReceiveMessage failed (${describeError(error)}); retrying in ${backoffMs} ms`);
        }
        await sleep(backoffMs);
        continue;
      }
      if (failedPolls > 0) this.log(`event source ${this.queueName}: polling again after ${failedPolls} failed attempt(s)`);
      failedPolls = 0;
      backoffMs = 0;
      if (messages.length === 0) continue;
      const batch = this.invoke(messages)
        .catch((error) =>
          this.log(
            `event source ${this.queueName}: batch of ${messages.length} not completed (${describeError(error)}); its records come back after the visibility timeout`,
          ),
        )
        .finally(() => this.inFlight.delete(batch));
      this.inFlight.add(batch);
    }
  }

  private get queueName(): string {
    return this.settings.queueUrl.split('/').pop() ?? this.settings.queueUrl;
  }

  private async receive(max: number, waitSeconds: number): Promise<Message[]> {
    const { Messages } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.settings.queueUrl,
        MaxNumberOfMessages: Math.min(SQS_RECEIVE_MAX, max),
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: [MessageSystemAttributeName.All],
        MessageAttributeNames: ['All'],
      }),
    );
    return Messages ?? [];
  }

  private async gather(): Promise<Message[]> {
    this.cutGather = false;
    const { batchSize, maxBatchingWindowSeconds } = this.settings;
    // Short long-polls so that stop() and reconfigure() are prompt; SQS-wise identical to one 20 s poll.
    const messages = await this.receive(batchSize, 1);
    if (messages.length === 0 || maxBatchingWindowSeconds === 0) return messages;
    const windowEnds = Date.now() + maxBatchingWindowSeconds * 1000;
    while (messages.length < batchSize && this.running && !this.cutGather) {
      const remainingMs = windowEnds - Date.now();
      if (remainingMs <= 0) break;
      const more = await this.receive(batchSize - messages.length, remainingMs >= 1000 ? 1 : 0);
      messages.push(...more);
      if (more.length === 0 && remainingMs < 1000) await sleep(Math.min(remainingMs, 50));
    }
    return messages;
  }

  private async invoke(messages: Message[]): Promise<void> {
    const records = messages.map((message) => toRecord(message, this.settings.queueArn));
    const event = { Records: records };
    const messageIds = records.map((record) => record.messageId);
    const outcome = await this.fn.invoke(event);

    let failed: ReadonlySet<string>;
    let error: string | undefined;
    if (!outcome.ok) {
      failed = new Set(messageIds);
      error = `${outcome.error.errorType}: ${outcome.error.errorMessage}`;
    } else if (this.settings.reportBatchItemFailures) {
      const verdict = failedRecordIds(outcome.result, messageIds);
      failed = verdict.failed;
      if (verdict.malformed) error = `malformed batch response (${verdict.malformed}): whole batch failed`;
    } else {
      failed = new Set();
    }

    const succeeded = records.filter((record) => !failed.has(record.messageId));
    const duplicates = succeeded.filter(() => this.settings.random() < (this.settings.duplicateDeliveryRate ?? 0));
    for (const record of duplicates) {
      await this.sendDuplicate(record);
    }
    const undeleted = await this.deleteSucceeded(succeeded);
    if (undeleted.length > 0) {
      // As on AWS, a record whose delete fails is delivered again: the function must be idempotent.
      error = [error, `could not delete ${undeleted.length} succeeded record(s): ${undeleted.join(', ')}`].filter(Boolean).join('; ');
    }
    this.onBatch({
      functionName: this.fn.name,
      records: records.length,
      succeeded: succeeded.length,
      failed: failed.size,
      durationMs: Math.round(outcome.durationMs),
      messageIds,
      failedMessageIds: [...failed],
      receiveCounts: records.map((record) => Number(record.attributes.ApproximateReceiveCount)),
      sentToDoneMs: succeeded.map((record) => Date.now() - Number(record.attributes.SentTimestamp)),
      duplicatesInjected: duplicates.length,
      metrics: outcome.metrics,
      coldStart: outcome.coldStart,
      error,
    });
  }

  private async sendDuplicate(record: LambdaSqsRecord): Promise<void> {
    try {
      await this.sqs.send(
        new SendMessageCommand({
          QueueUrl: this.settings.queueUrl,
          MessageBody: record.body,
          MessageAttributes: Object.fromEntries(
            Object.entries(record.messageAttributes)
              .filter(([, value]) => value.stringValue !== undefined)
              .map(([name, value]) => [name, { DataType: value.dataType, StringValue: value.stringValue }]),
          ),
        }),
      );
    } catch (error) {
      this.log(`event source ${this.queueName}: duplicate delivery of ${record.messageId} not sent (${describeError(error)})`);
    }
  }

  /** Deletes succeeded records; returns those it could not delete (they come back, as on AWS). */
  private async deleteSucceeded(succeeded: readonly LambdaSqsRecord[]): Promise<string[]> {
    const undeleted: string[] = [];
    for (let start = 0; start < succeeded.length; start += SQS_RECEIVE_MAX) {
      const chunk = succeeded.slice(start, start + SQS_RECEIVE_MAX);
      try {
        const { Failed = [] } = await this.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: this.settings.queueUrl,
            Entries: batchEntries(chunk, (record) => ({ ReceiptHandle: record.receiptHandle })),
          }),
        );
        undeleted.push(...batchItemsNamed(chunk, Failed).map((record, position) => `${record.messageId} (${Failed[position].Code})`));
      } catch (error) {
        undeleted.push(...chunk.map((record) => `${record.messageId} (${describeError(error)})`));
      }
    }
    return undeleted;
  }
}
