import {
  BackoffOptions,
  DEFAULT_BACKOFF,
  OrderMessage,
  OrderNotWrittenError,
  OrderStore,
  chunk,
  fullJitterDelayMs,
  sleep,
} from '@orders-pipeline/shared';

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
  batchWriteCalls: number;
  unprocessedRetries: number;
  duplicatesInBatch: number;
}

interface PendingWrite {
  readonly message: OrderMessage;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

// Errors after which the same request can succeed later; anything else fails its records at once.
const RETRYABLE_ERROR_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
]);

/**
 * Gathers the orders of concurrently processed records into BatchWriteItem calls (DataLoader
 * style): each record awaits its own promise, which settles only when its item is written or given
 * up on. Powertools' partial batch response therefore maps one-to-one onto what DynamoDB stored.
 * One writer serves one invocation: it owns that invocation's time budget and statistics.
 */
export class BatchingOrderWriter {
  readonly stats: WriterStats = { ordersStored: 0, batchWriteCalls: 0, unprocessedRetries: 0, duplicatesInBatch: 0 };
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

  write(message: OrderMessage): Promise<void> {
    return new Promise<void>((resolve, reject) => {
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
    const waitersByOrderId = new Map<string, PendingWrite[]>();
    for (const write of writes) {
      const waiters = waitersByOrderId.get(write.message.order.orderId);
      if (waiters) {
        // Same order delivered twice in one batch: write the first copy once, settle both records with it.
        waiters.push(write);
        this.stats.duplicatesInBatch += 1;
      } else {
        waitersByOrderId.set(write.message.order.orderId, [write]);
      }
    }
    const firstCopies = [...waitersByOrderId.values()].map((waiters) => waiters[0].message);
    await Promise.all(
      chunk(firstCopies, this.store.maxBatchSize).map((messages) => this.writeChunk(messages, waitersByOrderId)),
    );
  }

  private async writeChunk(messages: OrderMessage[], waitersByOrderId: Map<string, PendingWrite[]>): Promise<void> {
    const settle = (batch: readonly OrderMessage[], error?: Error): void => {
      for (const message of batch) {
        for (const waiter of waitersByOrderId.get(message.order.orderId) ?? []) {
          if (error) waiter.reject(error);
          else waiter.resolve();
        }
      }
    };

    let remaining: readonly OrderMessage[] = messages;
    for (let attempt = 1; ; attempt += 1) {
      let lastFailure: { reason: string; cause?: unknown };
      try {
        this.stats.batchWriteCalls += 1;
        const { unprocessed } = await this.store.writeBatch(remaining);
        const unprocessedIds = new Set(unprocessed.map((message) => message.order.orderId));
        const written = remaining.filter((message) => !unprocessedIds.has(message.order.orderId));
        this.stats.ordersStored += written.length;
        settle(written);
        if (unprocessed.length === 0) return;
        remaining = unprocessed;
        lastFailure = { reason: 'DynamoDB returned it in UnprocessedItems until the time budget ran out' };
      } catch (error) {
        const name = error instanceof Error ? error.name : 'UnknownError';
        lastFailure = { reason: `BatchWriteItem failed with ${name}`, cause: error };
        if (!RETRYABLE_ERROR_NAMES.has(name)) {
          this.fail(remaining, lastFailure, settle);
          return;
        }
      }
      const delayMs = fullJitterDelayMs(attempt, this.backoff, this.random);
      if (this.options.remainingTimeMs() - delayMs < this.safetyMarginMs) {
        this.fail(remaining, lastFailure, settle);
        return;
      }
      this.stats.unprocessedRetries += remaining.length;
      await sleep(delayMs);
    }
  }

  private fail(
    messages: readonly OrderMessage[],
    failure: { reason: string; cause?: unknown },
    settle: (batch: readonly OrderMessage[], error?: Error) => void,
  ): void {
    for (const message of messages) {
      settle([message], new OrderNotWrittenError(message.order.orderId, failure.reason, { cause: failure.cause }));
    }
  }
}
