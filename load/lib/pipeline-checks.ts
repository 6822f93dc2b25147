import { isDeepStrictEqual } from 'node:util';
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OrderRequest } from '../../shared-layer/src/tooling';
import { queueDepth } from '../../ops/pipeline-target';
import type { LocalPipeline } from '../../local-runtime';

/**
 * Waits until the queue holds nothing (visible or in flight) and no batch has finished for
 * `quietMs`. Returns false if that does not happen within `timeoutMs`.
 */
export const waitForQuiescence = async (options: {
  sqs: SQSClient;
  queueUrl: string;
  lastBatchAt: () => number;
  quietMs: number;
  timeoutMs: number;
  progress: (queued: number, inFlight: number) => void;
  /** Aborted: stop waiting (returns false). */
  signal?: AbortSignal;
}): Promise<boolean> => {
  const deadline = Date.now() + options.timeoutMs;
  let lastReport = 0;
  while (Date.now() < deadline && !options.signal?.aborted) {
    const { visible, delayed, inFlight } = await queueDepth(options.sqs, options.queueUrl);
    const waiting = visible + delayed;
    if (waiting === 0 && inFlight === 0 && Date.now() - options.lastBatchAt() >= options.quietMs) return true;
    if (Date.now() - lastReport >= 2_000) {
      options.progress(waiting, inFlight);
      lastReport = Date.now();
    }
    await sleep(250);
  }
  return false;
};

export interface StoredOrderItem extends OrderRequest {
  readonly orderId: string;
  readonly acceptedAt: string;
}

/** Every order item in the table whose orderId starts with `prefix` (paginated scan). */
export const scanOrders = async (documents: DynamoDBDocumentClient, tableName: string, prefix: string): Promise<StoredOrderItem[]> => {
  const items: StoredOrderItem[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey }));
    items.push(...((page.Items ?? []) as StoredOrderItem[]).filter((item) => item.orderId?.startsWith(prefix)));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
};

export interface Verification {
  readonly missing: string[];
  readonly differing: string[];
  readonly unexpected: string[];
  readonly storedTwice: string[];
}

/**
 * The order's content as plain data of this realm: accepted orders come from the load generator's
 * worker thread, and under jest other realms' prototypes differ, which util.isDeepStrictEqual counts.
 */
const content = (order: OrderRequest): unknown =>
  JSON.parse(JSON.stringify({ customerId: order.customerId, currency: order.currency, items: order.items }));

/** Compares what the API accepted with what the table holds: every order exactly once, unchanged. */
export const verifyStoredOrders = (accepted: ReadonlyMap<string, OrderRequest>, stored: readonly StoredOrderItem[]): Verification => {
  const byId = new Map<string, StoredOrderItem[]>();
  for (const item of stored) byId.set(item.orderId, [...(byId.get(item.orderId) ?? []), item]);
  const missing: string[] = [];
  const differing: string[] = [];
  for (const [orderId, order] of accepted) {
    const [item] = byId.get(orderId) ?? [];
    if (!item) missing.push(orderId);
    else if (!isDeepStrictEqual(content(item), content(order)) || Number.isNaN(Date.parse(item.acceptedAt))) {
      differing.push(orderId);
    }
  }
  return {
    missing,
    differing,
    unexpected: [...byId.keys()].filter((orderId) => !accepted.has(orderId)),
    storedTwice: [...byId].filter(([, items]) => items.length > 1).map(([orderId]) => orderId),
  };
};

/** One line per order that is not stored exactly once and unchanged. */
export const verificationProblems = (verification: Verification): string[] => [
  ...verification.missing.map((id) => `missing: ${id}`),
  ...verification.storedTwice.map((id) => `stored twice: ${id}`),
  ...verification.differing.map((id) => `differs from what was accepted: ${id}`),
  ...verification.unexpected.map((id) => `stored but never accepted: ${id}`),
];

/**
 * Waits until the pipeline's queue has drained and its consumer has been quiet for 2 s (at most 10
 * minutes), then compares the table with what the API accepted.
 */
export const settleAndVerify = async (
  pipeline: LocalPipeline,
  /** Prefix of this run's orderIds. */
  runId: string,
  accepted: ReadonlyMap<string, OrderRequest>,
  log: (line: string) => void,
  /** Aborted: stop waiting and check what is stored so far. */
  signal?: AbortSignal,
): Promise<{ quiesced: boolean; stored: StoredOrderItem[]; verification: Verification }> => {
  const { outputs } = pipeline.runtime;
  const quiesced = await waitForQuiescence({
    sqs: pipeline.sqs,
    queueUrl: outputs.QueueUrl,
    lastBatchAt: pipeline.lastBatchAt,
    quietMs: 2_000,
    timeoutMs: 10 * 60_000,
    progress: (queued, inFlight) => log(`  queue: ${queued} waiting, ${inFlight} in flight; ${pipeline.batches.length} batches so far`),
    signal,
  });
  // Interrupted: the caller reports what it sent instead, so the scan is not worth the wait.
  const stored = signal?.aborted ? [] : await scanOrders(pipeline.documents, outputs.OrdersTableName, runId);
  return { quiesced, stored, verification: verifyStoredOrders(accepted, stored) };
};
