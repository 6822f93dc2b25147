import type { EventEmitter } from 'node:events';
import { FAULT_COUNTS } from '../faults/dynamodb-wire-faults';
import type { ApiRequestRecord } from '../http-api';
import type { InvocationRecord } from '../lambda/local-function';
import type { RuntimeEvents } from '../runtime-events';
import { shortId } from '../running-stack';
import type { BatchSummary } from '../sqs-event-source';
import type { FailureFeed } from './failure-feed';
import { seriesKey } from './local-metrics';
import type { MetricStore } from './metric-store';

/** Batches kept for the journey search. */

/**
 * Turns what the runtime reports (every API request, every invocation with its EMF sums, every event-source batch)
 * and its wire counters into datapoints, and failures into the feed. CloudWatch's Lambda and API Gateway metrics
 * are counted this way; queue metrics come from QueueSampler.
 */
export class MetricCollector {
  private throttlesSeen = 0;

  constructor(
    private readonly store: MetricStore,
    private readonly feed: FailureFeed,
    private readonly stackName: string,
  ) {}

  /** Subscribes to the runtime's events; `detach` undoes it. */
  attach(events: EventEmitter<RuntimeEvents>): () => void {
    const guarded =
      <A extends unknown[]>(handler: (...args: A) => void) =>
      (...args: A) => {
        // A fault in the dashboard must never reach the request or batch that reported it.
        try {
          handler(...args);
        } catch {
          // The datapoint is lost; the dashboard goes on.
        }
      };
    const request = guarded((record: ApiRequestRecord) => this.onRequest(record));
    const invocation = guarded((record: InvocationRecord) => this.onInvocation(record));
    const batch = guarded((summary: BatchSummary) => this.onBatch(summary));
    events.on('request', request);
    events.on('invocation', invocation);
    events.on('batch', batch);
    return () => {
      events.off('request', request);
      events.off('invocation', invocation);
      events.off('batch', batch);
    };
  }

  /** DynamoDB throttles: only fault injection throttles locally; its counter is cumulative. */
  sampleCounters(requestCounts: Readonly<Record<string, number>>, now: number = Date.now()): void {
    const throttles = requestCounts[FAULT_COUNTS.throttled] ?? 0;
    // CloudWatch publishes ThrottledRequests only for periods with throttles: no datapoint otherwise.
    if (throttles > this.throttlesSeen) this.store.record(seriesKey.dynamoDbThrottles(), throttles - this.throttlesSeen, now);
    this.throttlesSeen = throttles;
  }

  private onRequest(record: ApiRequestRecord): void {
    const now = Date.now();
    this.store.record(seriesKey.api('Count'), 1, now);
    this.store.record(seriesKey.api('4xx'), record.status >= 400 && record.status < 500 ? 1 : 0, now);
    this.store.record(seriesKey.api('5xx'), record.status >= 500 ? 1 : 0, now);
    this.store.record(seriesKey.api('Latency'), record.latencyMs, now);
    if (record.status >= 500) {
      this.feed.add({
        at: now,
        where: 'HTTP API',
        what: `${record.method} ${record.path} → ${record.status}`,
        reason: record.functionError ?? 'answered by the function itself',
      });
    }
  }

  private onInvocation(record: InvocationRecord): void {
    const now = Date.now();
    const id = record.functionLogicalId;
    this.store.record(seriesKey.lambda(id, 'Throttles'), record.throttled ? 1 : 0, now);
    if (record.throttled) return;
    this.store.record(seriesKey.lambda(id, 'Invocations'), 1, now);
    this.store.record(seriesKey.lambda(id, 'Errors'), record.ok ? 0 : 1, now);
    this.store.record(seriesKey.lambda(id, 'Duration'), record.durationMs, now);
    for (const [name, value] of Object.entries(record.metrics)) this.store.record(seriesKey.emf(id, name), value, now);
  }

  private onBatch(summary: BatchSummary): void {
    const now = Date.now();
    const functionLogicalId = summary.functionName.slice(this.stackName.length + 1);
    this.store.record(seriesKey.batchSize(functionLogicalId), summary.records, now);
    if (summary.error) {
      this.feed.add({
        at: now,
        where: shortId(functionLogicalId),
        what: `batch of ${summary.records}: ${summary.failed} record${summary.failed === 1 ? '' : 's'} failed`,
        reason: summary.error,
      });
    }
  }
}
