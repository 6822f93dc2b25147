import { GetQueueAttributesCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { CfnTemplate } from '../cloud-assembly';
import { resourcesOfType } from '../cloud-assembly';
import type { LocalResource } from '../intrinsics';
import { seriesKey } from './local-metrics';
import type { MetricStore } from './metric-store';

export interface QueueRef {
  readonly logicalId: string;
  readonly url: string;
  readonly name: string;
  /** Some queue of the stack names it as its RedrivePolicy's deadLetterTargetArn. */
  readonly isDeadLetterQueue: boolean;
  /** From the queue's own RedrivePolicy: receives before SQS moves a message to its DLQ. */
  readonly maxReceiveCount?: number;
}

/** The template's queues as they run locally. */
export const queuesOf = (template: CfnTemplate, resources: ReadonlyMap<string, LocalResource>): QueueRef[] => {
  const queues = resourcesOfType(template, 'AWS::SQS::Queue');
  const deadLetterIds = new Set(queues.map(([, queue]) => queue.Properties?.RedrivePolicy?.deadLetterTargetArn?.['Fn::GetAtt']?.[0]));
  return queues.flatMap(([logicalId, queue]) => {
    const local = resources.get(logicalId);
    if (!local) return [];
    const maxReceiveCount = queue.Properties?.RedrivePolicy?.maxReceiveCount;
    return [
      {
        logicalId,
        url: local.ref,
        name: local.attributes.QueueName,
        isDeadLetterQueue: deadLetterIds.has(logicalId),
        maxReceiveCount: maxReceiveCount === undefined ? undefined : Number(maxReceiveCount),
      },
    ];
  });
};

/** A message as fauxqs's inspection endpoint shows it: never received, so never counted as a receive. */
interface InspectedMessage {
  readonly messageId: string;
  readonly body: string;
  readonly sentTimestamp: number;
  readonly approximateReceiveCount: number;
  readonly messageAttributes?: Readonly<Record<string, { DataType: string; StringValue?: string }>>;
}

/** A message of a queue, in the SDK's shape (so the DLQ tooling's views read it), and where it is. */
export interface QueuedMessage {
  readonly message: Message;
  readonly state: 'ready' | 'in flight' | 'delayed';
}

// An inspection returns every message of the queue: the next waits 50 times as long as the last took, so that a deep
// queue costs the emulator at most about 2 % of its time.
const INSPECTION_COST_FACTOR = 50;
const INSPECTION_INTERVAL_MS = { min: 1_000, max: 10_000 };

const toMessage = (inspected: InspectedMessage): Message => ({
  MessageId: inspected.messageId,
  Body: inspected.body,
  Attributes: { SentTimestamp: String(inspected.sentTimestamp), ApproximateReceiveCount: String(inspected.approximateReceiveCount) },
  MessageAttributes: inspected.messageAttributes,
});

/**
 * Reads every message of a queue without receiving it, through fauxqs's inspection endpoint (a receive would count
 * toward maxReceiveCount and hide the message from the consumer). fauxqs only: SQS has no such call.
 */
export const inspectQueue = async (sqsEndpoint: string, queueName: string): Promise<QueuedMessage[]> => {
  const response = await fetch(`${sqsEndpoint}/_fauxqs/queues/${encodeURIComponent(queueName)}`, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`fauxqs inspection of ${queueName} answered ${response.status}`);
  const { messages } = (await response.json()) as {
    messages: { ready: InspectedMessage[]; delayed: InspectedMessage[]; inflight: { message: InspectedMessage }[] };
  };
  return [
    ...messages.ready.map((message) => ({ message: toMessage(message), state: 'ready' as const })),
    ...messages.inflight.map(({ message }) => ({ message: toMessage(message), state: 'in flight' as const })),
    ...messages.delayed.map((message) => ({ message: toMessage(message), state: 'delayed' as const })),
  ];
};

interface QueueProgress {
  nextInspectionAt: number;
  /** When the last inspection ended, and how long it took. */
  lastInspectedAt: number;
  lastInspectionMs: number;
  /** SentTimestamp of the oldest message at the last inspection. */
  oldestSentAt?: number;
  lastDepth?: number;
}

/**
 * Samples every queue once a second the way SQS's CloudWatch metrics describe them: visible, in flight and delayed
 * messages from GetQueueAttributes; ApproximateAgeOfOldestMessage, which no SQS API returns, from the oldest
 * SentTimestamp among the queue's messages (read by inspection, between inspections carried forward). A DLQ's new
 * messages go to `onDeadLettered`.
 */
export class QueueSampler {
  private readonly progress = new Map<string, QueueProgress>();
  private readonly seenDeadLetters = new Set<string>();
  /** Why the last sample failed, by queue logical id (the emulator restarting, say); absent when it worked. */
  readonly unavailable = new Map<string, string>();

  constructor(
    private readonly sqs: SQSClient,
    private readonly sqsEndpoint: string,
    private readonly store: MetricStore,
    private readonly onDeadLettered: (queue: QueueRef, messages: readonly Message[]) => void,
  ) {}

  async sample(queues: readonly QueueRef[], now: number = Date.now()): Promise<void> {
    await Promise.all(
      queues.map((queue) =>
        this.sampleOne(queue, now).then(
          () => this.unavailable.delete(queue.logicalId),
          (error: Error) => this.unavailable.set(queue.logicalId, `${error.name}: ${error.message}`),
        ),
      ),
    );
  }

  private async sampleOne(queue: QueueRef, now: number): Promise<void> {
    const { Attributes = {} } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queue.url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
      }),
    );
    const visible = Number(Attributes.ApproximateNumberOfMessages ?? 0);
    const notVisible = Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
    const delayed = Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0);
    this.store.record(seriesKey.sqs(queue.logicalId, 'ApproximateNumberOfMessagesVisible'), visible, now);
    this.store.record(seriesKey.sqs(queue.logicalId, 'ApproximateNumberOfMessagesNotVisible'), notVisible, now);
    this.store.record(seriesKey.sqs(queue.logicalId, 'ApproximateNumberOfMessagesDelayed'), delayed, now);

    const progress = this.progress.get(queue.logicalId) ?? { nextInspectionAt: 0, lastInspectedAt: 0, lastInspectionMs: 0 };
    this.progress.set(queue.logicalId, progress);
    const depth = visible + notVisible + delayed;
    // A DLQ is inspected as soon as its depth changes, so that a dead letter shows at once with its reason (as long as
    // that keeps within the cost bound).
    const deadLetterArrived =
      queue.isDeadLetterQueue &&
      depth !== progress.lastDepth &&
      now - progress.lastInspectedAt >= progress.lastInspectionMs * INSPECTION_COST_FACTOR;
    const due = now >= progress.nextInspectionAt || progress.oldestSentAt === undefined || deadLetterArrived;
    if (depth === 0) progress.oldestSentAt = undefined;
    else if (due) await this.inspect(queue, progress, now);
    progress.lastDepth = depth;
    const ageSeconds = progress.oldestSentAt === undefined ? 0 : Math.max(0, Math.floor((now - progress.oldestSentAt) / 1000));
    this.store.record(seriesKey.sqs(queue.logicalId, 'ApproximateAgeOfOldestMessage'), ageSeconds, now);
  }

  private async inspect(queue: QueueRef, progress: QueueProgress, now: number): Promise<void> {
    const started = performance.now();
    const messages = await inspectQueue(this.sqsEndpoint, queue.name);
    const tookMs = performance.now() - started;
    progress.lastInspectedAt = now;
    progress.lastInspectionMs = tookMs;
    progress.nextInspectionAt =
      now + Math.min(INSPECTION_INTERVAL_MS.max, Math.max(INSPECTION_INTERVAL_MS.min, tookMs * INSPECTION_COST_FACTOR));
    progress.oldestSentAt = messages.reduce<number | undefined>((oldest, { message }) => {
      const sent = Number(message.Attributes?.SentTimestamp);
      return oldest === undefined || sent < oldest ? sent : oldest;
    }, undefined);
    if (!queue.isDeadLetterQueue) return;
    const arrived = messages.map(({ message }) => message).filter((message) => !this.seenDeadLetters.has(message.MessageId ?? ''));
    for (const message of arrived) this.seenDeadLetters.add(message.MessageId ?? '');
    if (arrived.length > 0) this.onDeadLettered(queue, arrived);
  }
}
