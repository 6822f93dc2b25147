import {
  DeleteMessageBatchCommand,
  type Message,
  type MessageAttributeValue,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { setTimeout as sleep } from 'node:timers/promises';
import { batchEntries, batchItemsNamed } from '../../shared-layer/src/tooling';
import { REDRIVEN_FROM_ATTRIBUTE } from '../../shared-layer/src/tooling';
import { type DeadLetterView, isDeadLetterAttribute, viewDeadLetter } from './dead-letter-view';
import { HeldMessages, SQS_BATCH_MAX } from './held-messages';

export interface RedriveProgress {
  /** Copied to the source queue and deleted from the DLQ. */
  readonly moved: number;
  /** Left in the DLQ: not matching the filter (or every message, in a dry run). */
  readonly skipped: number;
  /** Still in the DLQ after a failed send, or copied but not deleted (a rerun copies it again; the consumer stores it once). */
  readonly failed: number;
}

export interface RedriveByCopyOptions {
  readonly sqs: SQSClient;
  readonly deadLetterQueueUrl: string;
  readonly queueUrl: string;
  /** Only messages it accepts move; the rest stay in the DLQ. */
  readonly filter?: (message: DeadLetterView) => boolean;
  /** Count what would move, move nothing. */
  readonly dryRun?: boolean;
  /** Messages per second, at most. */
  readonly ratePerSecond?: number;
  /**
   * Stops once this many messages moved. With the consumer running, a message it fails again comes
   * back to the DLQ as a new message, which a run without a bound would move again and again.
   */
  readonly maxMoves?: number;
  /** Stops after the batch in hand; nothing is lost (see docs/operations.md, "Redriving the DLQ"). */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: RedriveProgress) => void;
  /** How long received messages stay invisible while this run holds them. */
  readonly holdSeconds?: number;
}

/** The message attributes it had when it was first queued, without the consumer's dead-letter reason. */
const originalAttributes = (message: Message): Record<string, MessageAttributeValue> =>
  Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {})
      .filter(([name]) => !isDeadLetterAttribute(name))
      .map(([name, value]) => [name, { DataType: value.DataType, StringValue: value.StringValue, BinaryValue: value.BinaryValue }]),
  );

/**
 * Moves DLQ messages back to the source queue by receive → SendMessageBatch → DeleteMessageBatch, 10
 * at a time. A message leaves the DLQ only after SQS confirmed its copy; whatever this run held and
 * did not move is made visible again at the end. Does what SQS's own move task cannot: move only the
 * messages a filter accepts, and count what would move without moving it (a dry run).
 */
export const redriveByCopy = async (options: RedriveByCopyOptions): Promise<RedriveProgress> => {
  const held = new HeldMessages(options.sqs, options.deadLetterQueueUrl, options.holdSeconds ?? 120);
  const progress = { moved: 0, skipped: 0, failed: 0 };
  const startedAt = Date.now();
  let attempted = 0;
  try {
    const maxMoves = options.maxMoves ?? Infinity;
    while (!options.signal?.aborted && progress.moved < maxMoves) {
      // A rate under 10/s also caps the batch, so that no burst exceeds it; so does what is left of maxMoves.
      const rateCap = options.ratePerSecond ? Math.max(1, Math.floor(options.ratePerSecond)) : SQS_BATCH_MAX;
      const received = await held.receive(options.dryRun ? rateCap : Math.min(rateCap, maxMoves - progress.moved));
      if (received.length === 0) break;
      const toMove: Message[] = [];
      for (const message of received) {
        const matches = options.filter?.(viewDeadLetter(message)) ?? true;
        // Beyond the bound, a match stays in the DLQ (held, released at the end) and counts as nothing.
        if (matches && !options.dryRun && progress.moved + toMove.length >= maxMoves) {
          held.hold(message);
          continue;
        }
        if (matches && !options.dryRun) {
          toMove.push(message);
          continue;
        }
        // Dry-run matches count as "would move" in `moved`; they stay in the DLQ all the same.
        if (held.hold(message)) {
          if (matches) progress.moved += 1;
          else progress.skipped += 1;
        }
      }
      if (toMove.length > 0) {
        if (options.ratePerSecond) {
          const dueAt = startedAt + (attempted / options.ratePerSecond) * 1000;
          await sleep(dueAt - Date.now());
        }
        attempted += toMove.length;
        await moveBatch(options, held, toMove, progress);
      }
      options.onProgress?.({ ...progress });
    }
  } finally {
    await held.release();
  }
  return progress;
};

const moveBatch = async (
  options: RedriveByCopyOptions,
  held: HeldMessages,
  messages: readonly Message[],
  progress: { moved: number; failed: number },
): Promise<void> => {
  let sent: Message[];
  try {
    const { Successful = [], Failed = [] } = await options.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: batchEntries(messages, (message) => ({
          MessageBody: message.Body ?? '',
          // Says where it came from, so the consumer's log and npm run trace show the redrive.
          MessageAttributes: {
            ...originalAttributes(message),
            [REDRIVEN_FROM_ATTRIBUTE]: { DataType: 'String', StringValue: message.MessageId },
          },
        })),
      }),
    );
    sent = batchItemsNamed(messages, Successful);
    for (const message of batchItemsNamed(messages, Failed)) held.hold(message);
    progress.failed += Failed.length;
  } catch {
    for (const message of messages) held.hold(message);
    progress.failed += messages.length;
    return;
  }
  if (sent.length === 0) return;
  try {
    const { Failed = [] } = await options.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: options.deadLetterQueueUrl,
        Entries: batchEntries(sent, (message) => ({ ReceiptHandle: message.ReceiptHandle ?? '' })),
      }),
    );
    progress.moved += sent.length - Failed.length;
    progress.failed += Failed.length;
    // Held, so this run does not copy them a second time; a rerun does, and the consumer stores each order once.
    for (const message of batchItemsNamed(sent, Failed)) held.hold(message);
  } catch {
    progress.failed += sent.length;
    for (const message of sent) held.hold(message);
  }
};
