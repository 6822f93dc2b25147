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
  /** SQS's ApproximateReceiveCount on redelivery (2 or more); absent on the first delivery, most records' case. */
  readonly receiveCount?: number;
  readonly outcome: RecordOutcome;
  /** Why it was not stored or was dead-lettered. */
  readonly reason?: string;
  /** The DLQ message it was, when an operator redrove it (npm run dlq -- redrive). */
  readonly redrivenFrom?: string;
}

/** What happened to each record of one invocation's batch, in the order the outcomes became known. */
export class BatchJournal {
  readonly entries: JournalEntry[] = [];

  // Fields left undefined are left out of the JSON log line: the line is billed per byte, once per record.
  note(record: SQSRecord, orderId: string | undefined, outcome: RecordOutcome, reason?: string): void {
    const receiveCount = Number(record.attributes.ApproximateReceiveCount);
    this.entries.push({
      messageId: record.messageId,
      orderId,
      correlationId: correlationIdOf(record),
      receiveCount: receiveCount > 1 ? receiveCount : undefined,
      outcome,
      reason,
      redrivenFrom: redrivenFromOf(record),
    });
  }
}
