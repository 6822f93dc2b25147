import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { BatchAcceptance } from './accept-order';
import type { BatchEntry } from './parse-order-request';
import { jsonResponse, problemResponse } from '@orders-pipeline/shared';
import { problems } from './problem';

/**
 * One result per submitted order, by index: ACCEPTED (queued), REJECTED (invalid, with its field
 * errors) or NOT_ENQUEUED (valid, but SQS did not take it: retry it). 202 when every order was
 * accepted, 207 when some were, 400 when none was valid. Every entry and acceptance carries its
 * order's index in the request, so results are put in request order by it.
 */
export const batchResponse = (
  entries: readonly BatchEntry[],
  acceptances: readonly BatchAcceptance[],
): APIGatewayProxyStructuredResultV2 => {
  const invalid = entries.flatMap((entry) => (entry.valid ? [] : [entry]));
  if (invalid.length === entries.length) {
    const total = invalid.reduce((sum, entry) => sum + entry.errorCount, 0);
    return problemResponse(
      problems.invalidOrder(
        invalid.flatMap((entry) => entry.errors),
        total,
      ),
    );
  }
  const results = [
    ...invalid.map(({ index, errors, errorCount }) => ({ index, status: 'REJECTED', errors, errorCount })),
    ...acceptances.map(({ index, order, enqueued }) =>
      enqueued
        ? { index, status: 'ACCEPTED', orderId: order.orderId }
        : {
            index,
            status: 'NOT_ENQUEUED',
            orderId: order.orderId,
            detail: 'The queue did not take this order; send it again in a new request (with a new Idempotency-Key if you use one).',
          },
    ),
  ].sort((a, b) => a.index - b.index);
  const accepted = results.filter((result) => result.status === 'ACCEPTED').length;
  return jsonResponse(accepted === entries.length ? 202 : 207, { accepted, rejected: entries.length - accepted, results });
};
