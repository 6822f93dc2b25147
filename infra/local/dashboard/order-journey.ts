import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { viewDeadLetter } from '../../../ops/dlq/dead-letter-view';
import { shortId } from '../running-stack';
import type { QueuedMessage, QueueRef } from './queue-sampler';
import type { LogRecord } from './function-log-tail';

/** One thing that happened to an order, or where it is now. */
export interface JourneyStep {
  /** ISO 8601, when known. */
  readonly at?: string;
  readonly where: string;
  readonly what: string;
}

export interface OrderJourney {
  readonly orderId: string;
  /** stored, dead-lettered, queued, or unknown (nothing anywhere names it). */
  readonly verdict: 'stored' | 'dead-lettered' | 'queued' | 'seen in logs only' | 'unknown';
  readonly steps: readonly JourneyStep[];
  /** What this lookup cannot see. */
  readonly limits: string;
}

/** A batch the event source ran, with when it ended (BatchSummary carries no time). */
export interface TimedBatch {
  readonly endedAt: number;
  readonly functionLogicalId: string;
  readonly records: number;
  readonly messageIds: readonly string[];
  readonly failedMessageIds: readonly string[];
  readonly receiveCounts: readonly number[];
  readonly error?: string;
}

export interface JourneySources {
  /** The stored item, if any (GetItem on the orders table). */
  readonly storedOrder: (orderId: string) => Promise<Record<string, unknown> | undefined>;
  readonly queues: readonly QueueRef[];
  readonly inspectQueue: (queue: QueueRef) => Promise<QueuedMessage[]>;
  /** By function logical id: its log file. */
  readonly functionLogs: ReadonlyMap<string, string>;
  readonly recentBatches: readonly TimedBatch[];
}

const MAX_LOG_STEPS = 100;

const orderIdOf = (body: string | undefined): string | undefined => {
  try {
    const orderId = (JSON.parse(body ?? '') as { order?: { orderId?: unknown } }).order?.orderId;
    return typeof orderId === 'string' ? orderId : undefined;
  } catch {
    return undefined;
  }
};

const logLinesNaming = async (file: string, orderId: string): Promise<LogRecord[]> => {
  if (!existsSync(file)) return [];
  const needle = JSON.stringify(orderId);
  const found: LogRecord[] = [];
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.startsWith('{') || !line.includes(needle)) continue;
    try {
      const record = JSON.parse(line) as LogRecord;
      if (record.orderId === orderId || line.includes(`"orderId":${needle}`)) found.push(record);
    } catch {
      // Not JSON after all.
    }
  }
  return found;
};

/**
 * Where an order is and what happened to it, from what the local runtime has: the functions' logs, the queues'
 * messages (inspected, never received), the batches the event source ran, and the orders table. The one entry for
 * the dashboard's search box; `npm run trace` can take its place here once it exists.
 */
export const lookUpOrderJourney = async (orderId: string, sources: JourneySources): Promise<OrderJourney> => {
  const steps: (JourneyStep & { readonly sortAt: number })[] = [];
  const messageIds = new Set<string>();
  const add = (at: number | undefined, where: string, what: string) =>
    steps.push({ at: at === undefined ? undefined : new Date(at).toISOString(), where, what, sortAt: at ?? Number.MAX_SAFE_INTEGER });

  for (const [functionId, file] of sources.functionLogs) {
    for (const record of (await logLinesNaming(file, orderId)).slice(-MAX_LOG_STEPS)) {
      if (record.messageId) messageIds.add(record.messageId);
      const reason = record.error ? ` (${record.error.name}: ${record.error.message})` : '';
      add(record.timestamp ? Date.parse(record.timestamp) : undefined, shortId(functionId), `${record.message ?? 'log line'}${reason}`);
    }
  }

  let verdict: OrderJourney['verdict'] = steps.length > 0 ? 'seen in logs only' : 'unknown';
  for (const queue of sources.queues) {
    for (const { message, state } of await sources.inspectQueue(queue)) {
      if (orderIdOf(message.Body) !== orderId) continue;
      const sentAt = Number(message.Attributes?.SentTimestamp);
      const receives = Number(message.Attributes?.ApproximateReceiveCount ?? 0);
      if (message.MessageId) messageIds.add(message.MessageId);
      if (queue.isDeadLetterQueue) {
        const view = viewDeadLetter(message);
        messageIds.add(view.sourceMessageId);
        add(sentAt, shortId(queue.logicalId), `in the DLQ: ${view.reason}${view.errorMessage ? ` (${view.errorMessage})` : ''}`);
        verdict = 'dead-lettered';
      } else {
        add(sentAt, shortId(queue.logicalId), `queued (${state}, received ${receives} time${receives === 1 ? '' : 's'})`);
        if (verdict !== 'dead-lettered') verdict = 'queued';
      }
    }
  }

  for (const batch of sources.recentBatches) {
    const position = batch.messageIds.findIndex((id) => messageIds.has(id));
    if (position < 0) continue;
    const failed = batch.failedMessageIds.includes(batch.messageIds[position]);
    add(
      batch.endedAt,
      shortId(batch.functionLogicalId),
      `batch of ${batch.records} (receive ${batch.receiveCounts[position]}): ${failed ? `record failed${batch.error ? `: ${batch.error}` : ''}` : 'record succeeded, deleted from the queue'}`,
    );
  }

  const stored = await sources.storedOrder(orderId);
  if (stored) {
    add(undefined, 'orders table', `stored (accepted at ${String(stored.acceptedAt ?? 'unknown')})`);
    verdict = 'stored';
  }
  steps.sort((a, b) => a.sortAt - b.sortAt);
  return {
    orderId,
    verdict,
    steps: steps.map(({ sortAt: _sortAt, ...step }) => step),
    limits:
      'Logs name an order only where a function logs its orderId; batches are those of this run (the last 2,000); ' +
      'queues are read with fauxqs inspection, which neither receives nor hides a message.',
  };
};
