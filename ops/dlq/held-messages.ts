import { ChangeMessageVisibilityBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { chunk } from '../../shared-layer/src/tooling';
import { batchEntries } from '../../shared-layer/src/tooling';

/** ReceiveMessage, ChangeMessageVisibilityBatch, SendMessageBatch and DeleteMessageBatch take at most 10. */
export const SQS_BATCH_MAX = 10;

/**
 * Messages received and kept invisible while a command works through a queue, so that each is seen
 * once; `release` makes them visible again at once. A message received again after its hold ran out
 * replaces its old receipt handle and is not new.
 */
export class HeldMessages {
  private readonly handles = new Map<string, string>();

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    /** Seconds each received message stays invisible to others. */
    readonly holdSeconds: number,
  ) {}

  /** Up to 10 messages, with all system and message attributes; long-polls 1 s so an empty answer means empty. */
  async receive(max = SQS_BATCH_MAX): Promise<Message[]> {
    const { Messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: Math.min(max, SQS_BATCH_MAX),
        VisibilityTimeout: this.holdSeconds,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    return Messages;
  }

  /** Returns true when the message was not held before. */
  hold(message: Message): boolean {
    const id = message.MessageId ?? '';
    const isNew = !this.handles.has(id);
    this.handles.set(id, message.ReceiptHandle ?? '');
    return isNew;
  }

  forget(messageId: string): void {
    this.handles.delete(messageId);
  }

  get size(): number {
    return this.handles.size;
  }

  /** Makes every held message visible again. Returns how many SQS would not release (they reappear when their hold ends). */
  async release(): Promise<number> {
    let unreleased = 0;
    for (const group of chunk([...this.handles.entries()], SQS_BATCH_MAX)) {
      try {
        const { Failed = [] } = await this.sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: this.queueUrl,
            Entries: batchEntries(group, ([, handle]) => ({ ReceiptHandle: handle, VisibilityTimeout: 0 })),
          }),
        );
        unreleased += Failed.length;
      } catch {
        unreleased += group.length;
      }
    }
    this.handles.clear();
    return unreleased;
  }
}
