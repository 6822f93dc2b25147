import { setTimeout as sleep } from 'node:timers/promises';
import { type BackoffOptions, DEFAULT_BACKOFF, OrderNotWrittenError, chunk, fullJitterDelayMs } from '@orders-pipeline/shared/core';
import type { OrderMessage, OrderStore } from '@orders-pipeline/shared/orders';

export interface WriterOptions {
  /** Milliseconds left in the invocation (Lambda's context.getRemainingTimeInMillis). */
  readonly remainingTimeMs: () => number;
  /** Stop retrying when less than this is left, so the response still reaches Lambda in time. */
  readonly safetyMarginMs?: number;
  readonly backoff?: BackoffOptions;
  readonly random?: () => number;
}

export interface WriterStats {
  ordersStored: number;
  /** Records whose order was already stored, or delivered twice in this batch: settled without a write. */
  duplicatesSkipped: number;
  batchGetCalls: number;
  batchWriteCalls: number;
  unprocessedRetries: number;
}

/** How a record's order came to be stored: by this write, or before it (a redelivery, a second copy in the batch). */
export type WriteOutcome = 'written' | 'alreadyStored';

interface PendingWrite {
  readonly message: OrderMessage;
  readonly resolve: (outcome: WriteOutcome) => void;
  readonly reject: (error: Error) => void;
}

interface Failure {
  readonly reason: string;
  readonly cause?: unknown;
  /** The same request can succeed later (see isRetryable): the record is held back rather than spending receives. */
  readonly retryable: boolean;
}

// Errors after which the same request can succeed later; anything else fails its records at once.
const RETRYABLE_ERROR_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
]);

/** Throttling, or any answer the SDK marks as DynamoDB's own fault (a 5xx). */
const isRetryable = (error: unknown): boolean =>
  error instanceof Error && (RETRYABLE_ERROR_NAMES.has(error.name) || (error as { $fault?: string }).$fault === 'server');

const orderIdOf = (message: OrderMessage): string => message.order.orderId;

const TIMED_OUT = Symbol('timed out');

/** The promise's value, or TIMED_OUT once `deadline` (epoch ms) passes first; the promise itself runs on. */
const beforeDeadline = async <T>(promise: Promise<T>, deadline: number): Promise<T | typeof TIMED_OUT> => {
  const timer = new AbortController();
  try {
    return await Promise.race([promise, sleep(Math.max(0, deadline - Date.now()), TIMED_OUT, { signal: timer.signal })]);
  } finally {
    timer.abort();
  }
};

/**
 * Stores the orders of concurrently processed records, first write wins (see docs/design.md, "Consumer: exactly once"):
 * each record awaits its own promise (DataLoader style), and one flush per batch
 *   1. de-duplicates by orderId (the first copy counts),
 *   2. looks the orders up with BatchGetItem (≤ 100 per call) and skips those already stored,
 *   3. writes the rest with BatchWriteItem (≤ 25 per call),
 * retrying UnprocessedKeys/UnprocessedItems and throttling within the invocation's time budget. A
 * record's promise settles only when its order is known stored, so Powertools' partial batch response
 * maps one-to-one onto what DynamoDB holds. One writer serves one invocation.
 */
export class BatchingOrderWriter {
  readonly stats: WriterStats = {
    ordersStored: 0,
    duplicatesSkipped: 0,
    batchGetCalls: 0,
    batchWriteCalls: 0,
    unprocessedRetries: 0,
  };
  private pending: PendingWrite[] = [];
  private readonly safetyMarginMs: number;
  private readonly backoff: BackoffOptions;
  private readonly random: () => number;

  constructor(
    private readonly store: OrderStore,
    private readonly options: WriterOptions,
  ) {
    this.safetyMarginMs = options.safetyMarginMs ?? 1_000;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.random = options.random ?? Math.random;
  }

  write(message: OrderMessage): Promise<WriteOutcome> {
    return new Promise<WriteOutcome>((resolve, reject) => {
      if (this.pending.length === 0) {
        // setImmediate runs after every record handler of the batch has reached its first await.
        setImmediate(() => void this.flush());
      }
      this.pending.push({ message, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const writes = this.pending;
    this.pending = [];
    const waiters = new Map<string, PendingWrite[]>();
    for (const write of writes) {
      const sameOrder = waiters.get(orderIdOf(write.message));
      if (sameOrder) {
        sameOrder.push(write);
        this.stats.duplicatesSkipped += 1;
      } else {
        waiters.set(orderIdOf(write.message), [write]);
      }
    }
    const settle = (messages: readonly OrderMessage[], outcome: WriteOutcome | Failure): void => {
      for (const message of messages) {
        for (const [copy, waiter] of (waiters.get(orderIdOf(message)) ?? []).entries()) {
          if (typeof outcome === 'object') {
            waiter.reject(
              new OrderNotWrittenError(orderIdOf(message), outcome.reason, { cause: outcome.cause, retryable: outcome.retryable }),
            );
          } else waiter.resolve(copy === 0 ? outcome : 'alreadyStored');
        }
      }
    };

    const firstCopies = [...waiters.values()].map((sameOrder) => sameOrder[0].message);
    const unstored = (
      await Promise.all(chunk(firstCopies, this.store.maxLookupSize).map((messages) => this.skipStored(messages, settle)))
    ).flat();
    await Promise.all(chunk(unstored, this.store.maxBatchSize).map((messages) => this.writeChunk(messages, settle)));
  }

  /** Settles the orders already stored and returns the others. A failed lookup fails its records. */
  private async skipStored(
    messages: OrderMessage[],
    settle: (messages: readonly OrderMessage[], outcome: WriteOutcome | Failure) => void,
  ): Promise<OrderMessage[]> {
    const stored = new Set<string>();
    const { remaining, failure } = await this.withinBudget(
      messages,
      { operation: 'BatchGetItem', leftover: 'UnprocessedKeys' },
      async (batch) => {
        this.stats.batchGetCalls += 1;
        const outcome = await this.store.findStored(batch.map(orderIdOf));
        for (const orderId of outcome.stored) stored.add(orderId);
        const unprocessed = new Set(outcome.unprocessed);
        return batch.filter((message) => unprocessed.has(orderIdOf(message)));
      },
    );
    if (failure) settle(remaining, failure);
    const alreadyStored = messages.filter((message) => stored.has(orderIdOf(message)));
    this.stats.duplicatesSkipped += alreadyStored.length;
    settle(alreadyStored, 'alreadyStored');
    const failed = new Set(failure ? remaining : []);
    return messages.filter((message) => !stored.has(orderIdOf(message)) && !failed.has(message));
  }

  private async writeChunk(
    messages: OrderMessage[],
    settle: (messages: readonly OrderMessage[], outcome: WriteOutcome | Failure) => void,
  ): Promise<void> {
    const { remaining, failure } = await this.withinBudget(
      messages,
      { operation: 'BatchWriteItem', leftover: 'UnprocessedItems' },
      async (batch) => {
        this.stats.batchWriteCalls += 1;
        const { unprocessed } = await this.store.writeBatch(batch);
        const unprocessedIds = new Set(unprocessed.map(orderIdOf));
        const written = batch.filter((message) => !unprocessedIds.has(orderIdOf(message)));
        this.stats.ordersStored += written.length;
        settle(written, 'written');
        return batch.filter((message) => unprocessedIds.has(orderIdOf(message)));
      },
    );
    if (failure) settle(remaining, failure);
  }

  /**
   * Calls `attempt` until it leaves nothing over, backing off with full jitter between tries, for as
   * long as the invocation's time allows. Returns what is left and why, when it gives up.
   */
  private async withinBudget(
    messages: OrderMessage[],
    call: { readonly operation: string; readonly leftover: string },
    attempt: (batch: OrderMessage[]) => Promise<OrderMessage[]>,
  ): Promise<{ remaining: OrderMessage[]; failure?: Failure }> {
    let remaining = messages;
    // One call can outlast the margin (the SDK retries a throttled call itself, for seconds): it is not awaited past
    // the budget, so the handler keeps the time to hold its records back. A write that lands later is found by the
    // lookup when the record comes back (first write wins).
    const budgetEndsAt = Date.now() + this.options.remainingTimeMs() - this.safetyMarginMs;
    for (let tries = 1; ; tries += 1) {
      let failure: Failure;
      try {
        const answer = await beforeDeadline(attempt(remaining), budgetEndsAt);
        if (answer === TIMED_OUT) {
          return { remaining, failure: { reason: `${call.operation} did not answer before the time budget ran out`, retryable: true } };
        }
        remaining = answer;
        if (remaining.length === 0) return { remaining };
        failure = { reason: `DynamoDB returned it in ${call.leftover} until the time budget ran out`, retryable: true };
      } catch (error) {
        const name = error instanceof Error ? error.name : 'UnknownError';
        failure = { reason: `${call.operation} failed with ${name}`, cause: error, retryable: isRetryable(error) };
        if (!failure.retryable) return { remaining, failure };
      }
      const delayMs = fullJitterDelayMs(tries, this.backoff, this.random);
      const outOfTime = this.options.remainingTimeMs() - delayMs < this.safetyMarginMs || Date.now() + delayMs >= budgetEndsAt;
      if (outOfTime) return { remaining, failure };
      this.stats.unprocessedRetries += remaining.length;
      await sleep(delayMs);
    }
  }
}
