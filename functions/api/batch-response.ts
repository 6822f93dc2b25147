import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { BatchAcceptance } from './accept-order';
import type { BatchEntry } from './parse-order-request';
import { jsonResponse, problemResponse } from '@orders-pipeline/shared/core';
import type { FieldError } from '@orders-pipeline/shared/orders';
import { MAX_REPORTED_ERRORS } from './error-budget';
import { problems } from './problem';

/**
 * The amplification budget across a batch answer: MAX_REPORTED_ERRORS field errors in all, handed out in index order,
 * but every rejected order lists at least its first error (so at most 25 more). errorCount keeps each order's total.
 */
const withinErrorBudget = <T extends { readonly errors: readonly FieldError[] }>(invalid: readonly T[]): T[] => {
  let remaining = MAX_REPORTED_ERRORS;
  return invalid.map((entry) => {
    const listed = Math.max(1, Math.min(remaining, entry.errors.length));
    remaining = Math.max(0, remaining - listed);
    return { ...entry, errors: entry.errors.slice(0, listed) };
  });
};

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
    ...withinErrorBudget(invalid).map(({ index, errors, errorCount }) => ({ index, status: 'REJECTED', errors, errorCount })),
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
