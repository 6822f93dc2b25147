import { ChangeMessageVisibilityBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DelayedRedelivery, RedeliveryQueue, UnsetDelay } from '../orders/order-ports';
import { chunk } from '../retry/chunk';
import { batchEntries, batchItemsNamed } from './sqs-batch-entries';

// ChangeMessageVisibilityBatch takes at most 10 entries (Amazon SQS API Reference, checked 2026-12-07).
const MAX_ENTRIES_PER_CALL = 10;

/** Sets failed records' visibility on the queue they came from, ten to a call. */
export class SqsRedeliveryQueue implements RedeliveryQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async delay(redeliveries: readonly DelayedRedelivery[]): Promise<readonly UnsetDelay[]> {
    const calls = chunk(redeliveries, MAX_ENTRIES_PER_CALL).map(async (entries): Promise<UnsetDelay[]> => {
      try {
        const { Failed = [] } = await this.client.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: this.queueUrl,
            Entries: batchEntries(entries, ({ receiptHandle, delaySeconds }) => ({
              ReceiptHandle: receiptHandle,
              VisibilityTimeout: delaySeconds,
            })),
          }),
        );
        return batchItemsNamed(entries, Failed).map((redelivery, position) => ({
          redelivery,
          reason: `${Failed[position].Code}: ${Failed[position].Message ?? 'no message'}`,
        }));
      } catch (error) {
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        return entries.map((redelivery) => ({ redelivery, reason }));
      }
    });
    return (await Promise.all(calls)).flat();
  }
}
