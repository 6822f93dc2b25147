import type { SQSRecord } from 'aws-lambda';
import { REDRIVEN_FROM_ATTRIBUTE, correlationIdOf } from '@orders-pipeline/shared/orders';

const redrivenFromOf = (record: SQSRecord): string | undefined => record.messageAttributes[REDRIVEN_FROM_ATTRIBUTE]?.stringValue;
import type { WriteOutcome } from './batching-order-writer';

export type RecordOutcome = WriteOutcome | 'notStored' | 'deadLettered';

/** One record of a batch as the "batch processed" line reports it: what `npm run trace` and the lifecycle query find. */
export interface JournalEntry {
  readonly messageId: string;
  /** Absent when the body was not an order message. */
  readonly orderId?: string;
  readonly correlationId?: string;
  /** SQS's ApproximateReceiveCount: 1 on first delivery, more on redelivery. */
  readonly receiveCount: number;
  readonly outcome: RecordOutcome;
  /** Why it was not stored or was dead-lettered. */
  readonly reason?: string;
  /** The DLQ message it was, when an operator redrove it (npm run dlq -- redrive). */
  readonly redrivenFrom?: string;
}

/** What happened to each record of one invocation's batch, in the order the outcomes became known. */
export class BatchJournal {
  readonly entries: JournalEntry[] = [];

  // Fields left undefined are left out of the JSON log line.
  note(record: SQSRecord, orderId: string | undefined, outcome: RecordOutcome, reason?: string): void {
    this.entries.push({
      messageId: record.messageId,
      orderId,
      correlationId: correlationIdOf(record),
      receiveCount: Number(record.attributes.ApproximateReceiveCount),
      outcome,
      reason,
      redrivenFrom: redrivenFromOf(record),
    });
  }

  /** The batch's distinct correlation ids, for the metrics record (a property, never a dimension). */
  get correlationIds(): string[] {
    return [...new Set(this.entries.flatMap((entry) => (entry.correlationId ? [entry.correlationId] : [])))];
  }
}
