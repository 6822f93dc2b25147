import autocannon from 'autocannon';
import { OrderRequest } from '../shared-layer/src';
import { CostBreakdown, measuredCostPerMillion } from './lib/cost-model';
import { startLocalPipeline } from './lib/local-pipeline';
import { generateOrder } from './lib/order-generator';
import { LatencySummary, summarizeLatencies } from './lib/percentiles';
import { Verification, settleAndVerify, verificationProblems } from './lib/pipeline-checks';

export interface LoadOptions {
  /** Orders to send; the run ends when all are sent. Infinity with `durationSeconds`. */
  readonly orders: number;
  /** Send for this long instead of a fixed number of orders. */
  readonly durationSeconds?: number;
  readonly connections: number;
  /** Requests per second over all connections; unset: as fast as the connections go. */
  readonly rate?: number;
  /** Orders per request: 1 posts to /orders, more to /orders/batch (at most 25). */
  readonly ordersPerRequest: number;
  /** Consumer settings to run with instead of the stage's (the tune sweep varies these). */
  /** Also print the local runtime's start-up lines. */
  readonly verbose?: boolean;
  readonly consumer?: { readonly batchSize?: number; readonly maxBatchingWindowSeconds?: number; readonly maxConcurrency?: number };
}

export interface LoadReport {
  readonly options: LoadOptions;
  readonly seconds: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly latencyMs: LatencySummary;
  readonly statusCounts: Readonly<Record<string, number>>;
  readonly accepted: number;
  readonly stored: number;
  readonly verification: Verification;
  /** Orders whose request was still in flight when a timed run stopped, and how many of them were stored anyway. */
  readonly cutOff: { readonly sent: number; readonly stored: number };
  /** SQS took the message → the consumer batch holding it succeeded. */
  readonly acceptedToStoredMs: LatencySummary;
  readonly consumerInvocations: number;
  readonly requestCounts: Readonly<Record<string, number>>;
  readonly costPerMillion: { readonly pipeline: CostBreakdown; readonly naive: CostBreakdown };
  readonly problems: readonly string[];
}

/** autocannon's per-connection context. */
type RequestContext = { orderIds?: string[] };

/**
 * Drives the local pipeline with autocannon, then checks end to end that every accepted order is
 * stored exactly once, and prices what the run did.
 */
export const runLoad = async (options: LoadOptions, log: (line: string) => void): Promise<LoadReport> => {
  const runId = `load-${Date.now().toString(36)}`;
  log('starting the local runtime ...');
  const pipeline = await startLocalPipeline('orders-load-', { eventSourceOverrides: options.consumer, log: options.verbose ? log : undefined });
  const { runtime, batches } = pipeline;
  try {
    const sent = new Map<string, OrderRequest>();
    const answered = new Set<string>();
    const accepted = new Map<string, OrderRequest>();
    const statusCounts: Record<string, number> = {};
    const latencies: number[] = [];
    const batchRoute = options.ordersPerRequest > 1;
    const requestCount = options.durationSeconds ? undefined : Math.ceil(options.orders / options.ordersPerRequest);
    let nextOrder = 0;

    const started = Date.now();
    log(`sending ${options.durationSeconds ? `orders for ${options.durationSeconds} s` : `${options.orders} orders in ${requestCount} requests`} (${batchRoute ? `${options.ordersPerRequest} per POST /orders/batch` : 'POST /orders'}) over ${options.connections} connections${options.rate ? ` at ${options.rate} requests/s` : ''} ...`);
    const autocannonOptions: autocannon.Options = {
      url: runtime.apiUrl,
      // autocannon refuses more connections than requests.
      connections: Math.min(options.connections, requestCount ?? options.connections),
      // autocannon rejects an undefined duration: pass one only for a timed run.
      ...(options.durationSeconds ? { duration: options.durationSeconds } : { amount: requestCount }),
      overallRate: options.rate,
      // Each response carries the orderIds of that request's orders; nothing is matched by position.
      requests: [
        {
          method: 'POST',
          path: batchRoute ? '/orders/batch' : '/orders',
          headers: { 'content-type': 'application/json' },
          // One request in flight per connection: its context remembers which orders that request carried.
          setupRequest: (request, context) => {
            const orders = Array.from({ length: Math.min(options.ordersPerRequest, options.orders - nextOrder) }, () => generateOrder(runId, nextOrder++));
            for (const order of orders) sent.set(order.orderId, order);
            (context as RequestContext).orderIds = orders.map((order) => order.orderId);
            return { ...request, body: JSON.stringify(batchRoute ? { orders } : orders[0]) };
          },
          onResponse: (status, body, context) => {
            statusCounts[status] = (statusCounts[status] ?? 0) + 1;
            for (const id of (context as RequestContext).orderIds ?? []) answered.add(id);
            if (status !== 202 && status !== 207) return;
            const parsed = JSON.parse(body) as { orderId?: string; results?: { status: string; orderId?: string }[] };
            const ids = parsed.results ? parsed.results.filter((r) => r.status === 'ACCEPTED').map((r) => r.orderId ?? '') : [parsed.orderId ?? ''];
            for (const id of ids) {
              const order = sent.get(id);
              if (order) accepted.set(id, order);
            }
          },
        },
      ],
    };
    const run = new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(autocannonOptions, (error, result) => (error ? reject(error) : resolve(result)));
      instance.on('response', (_client, _status, _bytes, responseTimeMs) => latencies.push(responseTimeMs));
    });
    let lastTick = Date.now();
    let lastCount = 0;
    const progress = setInterval(() => {
      const now = Date.now();
      log(`  ${Math.round((now - started) / 1000)} s: ${latencies.length}${requestCount ? `/${requestCount}` : ''} requests (${Math.round(((latencies.length - lastCount) * 1000) / (now - lastTick))}/s), ${accepted.size} orders accepted, ${batches.length} consumer batches`);
      lastTick = now;
      lastCount = latencies.length;
    }, 2_000);
    const result = await run.finally(() => clearInterval(progress));
    const sendSeconds = (Date.now() - started) / 1000;

    log('waiting for the queue to drain ...');
    const { quiesced, stored, verification } = await settleAndVerify(pipeline, runId, accepted, log);
    const consumerBatches = batches.filter((batch) => batch.functionName.includes('Consumer'));
    // A timed run stops with a request in flight on each connection: the server may have taken those
    // orders though their answer never came. They are reported, not counted against the pipeline.
    const cutOff = new Set([...sent.keys()].filter((id) => !answered.has(id)));
    const storedUnanswered = verification.unexpected.filter((id) => cutOff.has(id));
    const checked = { ...verification, unexpected: verification.unexpected.filter((id) => !cutOff.has(id)) };
    const problems = [
      ...(quiesced ? [] : ['the queue did not drain within 10 minutes']),
      ...(result.errors > 0 ? [`${result.errors} requests failed at the connection level`] : []),
      ...verificationProblems(checked),
    ];
    return {
      options,
      seconds: Math.round(sendSeconds * 10) / 10,
      requests: latencies.length,
      requestsPerSecond: Math.round(latencies.length / sendSeconds),
      latencyMs: summarizeLatencies(latencies),
      statusCounts,
      accepted: accepted.size,
      stored: stored.length,
      verification: checked,
      cutOff: { sent: cutOff.size, stored: storedUnanswered.length },
      acceptedToStoredMs: summarizeLatencies(consumerBatches.flatMap((batch) => batch.sentToDoneMs)),
      consumerInvocations: consumerBatches.length,
      requestCounts: runtime.requestCounts(),
      costPerMillion: measuredCostPerMillion(runtime, pipeline.dataDir, accepted.size, stored),
      problems,
    };
  } finally {
    await pipeline.stop();
  }
};
