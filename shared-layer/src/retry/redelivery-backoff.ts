/**
 * How long a record that failed for a passing reason (throttling, a 5xx, items DynamoDB left unprocessed) stays
 * invisible before SQS delivers it again: the consumer sets it with ChangeMessageVisibility, by receive count, so that
 * `maxReceiveCount` receives span a throttle storm instead of a few visibility timeouts (docs/design.md, "Throttle
 * storms"). Pure, and imported by path by the tooling, so the capacity planner models the very schedule that ships.
 */

/**
 * SQS's longest visibility timeout, counted from the receive: 12 hours. Source: Amazon SQS API Reference,
 * ChangeMessageVisibility ("VisibilityTimeout ... Values range: 0 to 43200. Maximum: 12 hours"), checked 2026-12-07.
 */
export const SQS_MAX_VISIBILITY_SECONDS = 43_200;

/** Lambda's longest function timeout (15 minutes; Lambda quotas, checked 2026-12-07): the part of the 12 hours an invocation may already have used. */
const LAMBDA_MAX_TIMEOUT_SECONDS = 900;

/** The longest delay the schedule sets: what a receive has left of SQS's 12 hours after the longest invocation. */
export const MAX_REDELIVERY_DELAY_SECONDS = SQS_MAX_VISIBILITY_SECONDS - LAMBDA_MAX_TIMEOUT_SECONDS;

export interface RedeliveryBackoff {
  /** Delay after the first failed receive; each later receive doubles it, up to MAX_REDELIVERY_DELAY_SECONDS. */
  readonly firstDelaySeconds: number;
}

export class RedeliveryBackoffError extends Error {
  override readonly name = 'RedeliveryBackoffError';
}

/**
 * Seconds a record stays invisible after its `receiveCount`-th receive failed: first × 2^(receiveCount − 1), whole
 * seconds, capped. A count SQS did not send (NaN, below 1) counts as the first receive.
 */
export const redeliveryDelaySeconds = (receiveCount: number, backoff: RedeliveryBackoff): number => {
  const receive = Number.isFinite(receiveCount) && receiveCount >= 1 ? Math.floor(receiveCount) : 1;
  return Math.min(MAX_REDELIVERY_DELAY_SECONDS, Math.ceil(backoff.firstDelaySeconds * 2 ** (receive - 1)));
};

/**
 * How long after its first failed receive a record still gets a receive of its own: the delays after receives 1 to
 * maxReceiveCount − 1. The delay after the last receive buys nothing (SQS dead-letters the record at the next receive
 * whenever it comes), so a storm is outlasted only if it ends before the last receive. Invocation time comes on top.
 */
export const redeliveryWindowSeconds = (maxReceiveCount: number, backoff: RedeliveryBackoff): number => {
  let total = 0;
  for (let receive = 1; receive < maxReceiveCount; receive += 1) total += redeliveryDelaySeconds(receive, backoff);
  return total;
};

/**
 * The shortest schedule whose window spans `stormSeconds` with `maxReceiveCount` receives: the first delay is
 * ⌈storm / (2^(n−1) − 1)⌉, raised where the 12-hour cap cuts the later delays short. Throws when no schedule can.
 */
export const redeliveryBackoffFor = (stormSeconds: number, maxReceiveCount: number): RedeliveryBackoff => {
  if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1) {
    throw new RedeliveryBackoffError(`maxReceiveCount must be a whole number of at least 1; got ${maxReceiveCount}`);
  }
  if (!Number.isFinite(stormSeconds) || stormSeconds < 0) {
    throw new RedeliveryBackoffError(`the storm to outlast must be a non-negative number of seconds; got ${stormSeconds}`);
  }
  const longest = redeliveryWindowSeconds(maxReceiveCount, { firstDelaySeconds: MAX_REDELIVERY_DELAY_SECONDS });
  if (longest < stormSeconds) {
    throw new RedeliveryBackoffError(
      `${maxReceiveCount} receives span at most ${longest} s at SQS's 12-hour visibility limit, less than the ` +
        `${stormSeconds} s storm to outlast: raise maxReceiveCount or shorten the storm the stage declares`,
    );
  }
  let low = maxReceiveCount < 2 ? 1 : Math.max(1, Math.ceil(stormSeconds / (2 ** (maxReceiveCount - 1) - 1)));
  let high = MAX_REDELIVERY_DELAY_SECONDS;
  // The window grows with the first delay; the cap only matters for long storms, so this search rarely moves.
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (redeliveryWindowSeconds(maxReceiveCount, { firstDelaySeconds: middle }) >= stormSeconds) high = middle;
    else low = middle + 1;
  }
  return { firstDelaySeconds: low };
};
