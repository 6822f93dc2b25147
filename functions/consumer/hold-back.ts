import type { SQSRecord } from 'aws-lambda';
import { type RedeliveryBackoff, redeliveryDelaySeconds } from '@orders-pipeline/shared/core';
import type { RedeliveryQueue, UnsetDelay } from '@orders-pipeline/shared/orders';

/**
 * Holds records that failed for a passing reason back by their receive count (docs/design.md, "Throttle storms"):
 * the event source leaves failed records as they are, so the visibility set here decides when each comes back.
 */
export const holdBack = (
  queue: RedeliveryQueue,
  records: readonly SQSRecord[],
  backoff: RedeliveryBackoff,
): Promise<readonly UnsetDelay[]> =>
  records.length === 0
    ? Promise.resolve([])
    : queue.delay(
        records.map((record) => ({
          receiptHandle: record.receiptHandle,
          delaySeconds: redeliveryDelaySeconds(Number(record.attributes.ApproximateReceiveCount), backoff),
        })),
      );
