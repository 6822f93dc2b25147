import type { SQSRecord } from 'aws-lambda';
import type { DeadLetterQueue } from '@orders-pipeline/shared/orders';

/** Dead-letters a record no retry can fix, keeping its body and attributes and saying why. */
export const deadLetterRecord = (deadLetters: DeadLetterQueue, record: SQSRecord, error: Error): Promise<void> =>
  deadLetters.send({
    body: record.body,
    errorType: error.name,
    errorMessage: error.message,
    firstSeenAt: new Date(Number(record.attributes.ApproximateFirstReceiveTimestamp)),
    sourceMessageId: record.messageId,
    messageAttributes: record.messageAttributes,
  });
