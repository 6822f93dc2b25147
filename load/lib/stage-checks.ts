import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { setTimeout as sleep } from 'node:timers/promises';
import { BATCH_GET_MAX_KEYS, DEFAULT_BACKOFF, type OrderRequest, chunk, fullJitterDelayMs, orderKey } from '../../shared-layer/src/tooling';
import { forEachConcurrently } from './order-generator';
import { queueDepth } from '../../ops/pipeline-target';
import { type StoredOrderItem, type Verification, verifyStoredOrders } from './pipeline-checks';

/** Attempts per BatchGetItem chunk before a read is given up (throttled keys come back as UnprocessedKeys). */
const READ_ATTEMPTS = 8;

/**
 * The order items stored under these orderIds, read by key with strongly consistent BatchGetItem
 * (100 keys per call, 4 calls at a time): a deployed table is never scanned.
 */
export const fetchOrderItems = async (
  documents: DynamoDBDocumentClient,
  tableName: string,
  orderIds: readonly string[],
): Promise<StoredOrderItem[]> => {
  const items: StoredOrderItem[] = [];
  await forEachConcurrently(chunk(orderIds, BATCH_GET_MAX_KEYS), 4, async (ids) => {
    let keys: Record<string, unknown>[] = ids.map(orderKey);
    for (let attempt = 1; keys.length > 0; attempt += 1) {
      if (attempt > READ_ATTEMPTS)
        throw new Error(
          `DynamoDB kept ${keys.length} keys of ${tableName} unprocessed after ${READ_ATTEMPTS} attempts; retry the verification later.`,
        );
      if (attempt > 1) await sleep(fullJitterDelayMs(attempt - 1, DEFAULT_BACKOFF));
      const response = await documents.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }));
      items.push(...((response.Responses?.[tableName] ?? []) as StoredOrderItem[]));
      keys = response.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
  });
  return items;
};

export interface StoredOrdersWait {
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  /** Every order the run sent: those never accepted are looked up too, so one stored anyway shows. */
  readonly sent: ReadonlyMap<string, OrderRequest>;
  readonly accepted: ReadonlyMap<string, OrderRequest>;
  /** How long the queue must read empty before missing orders count as missing (SQS's counts are approximate). */
  readonly quietMs: number;
  readonly pollMs: number;
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
  /** Aborted: stop looking and return what was found so far. */
  readonly signal?: AbortSignal;
}

/**
 * Looks the accepted orders up by key until all are stored, or until the queue has read empty for
 * `quietMs` (they are missing then), or `timeoutMs` passes. Each pass reads only the orders not found yet.
 */
export const waitForStoredOrders = async (
  wait: StoredOrdersWait,
): Promise<{ drained: boolean; stored: StoredOrderItem[]; verification: Verification }> => {
  const found = new Map<string, StoredOrderItem>();
  const started = Date.now();
  let emptySince: number | undefined;
  let lastReport = 0;
  let drained = false;
  for (;;) {
    const missing = [...wait.accepted.keys()].filter((id) => !found.has(id));
    for (const item of await fetchOrderItems(wait.documents, wait.tableName, missing)) found.set(item.orderId, item);
    if (found.size >= wait.accepted.size) {
      drained = true;
      break;
    }
    const { visible, delayed, inFlight } = await queueDepth(wait.sqs, wait.queueUrl);
    const waiting = visible + delayed;
    emptySince = waiting + inFlight === 0 ? (emptySince ?? Date.now()) : undefined;
    if (emptySince !== undefined && Date.now() - emptySince >= wait.quietMs) {
      drained = true;
      break;
    }
    if (Date.now() - started >= wait.timeoutMs || wait.signal?.aborted) break;
    if (Date.now() - lastReport >= 5_000) {
      wait.log(`  ${found.size}/${wait.accepted.size} accepted orders stored; queue: ${waiting} waiting, ${inFlight} in flight`);
      lastReport = Date.now();
    }
    await sleep(wait.pollMs);
  }
  const neverAccepted = wait.signal?.aborted ? [] : [...wait.sent.keys()].filter((id) => !wait.accepted.has(id));
  for (const item of await fetchOrderItems(wait.documents, wait.tableName, neverAccepted)) found.set(item.orderId, item);
  const stored = [...found.values()];
  return { drained, stored, verification: verifyStoredOrders(wait.accepted, stored) };
};
