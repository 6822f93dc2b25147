// The load generator's worker thread (started by load-generator.ts through load-generator-worker.js).
import { performance } from 'node:perf_hooks';
import { MessagePort, parentPort, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';
import type { OrderRequest } from '../../shared-layer/src';
import type { FromGenerator, LoadGeneratorOptions, LoadResult, ToGenerator } from './load-generator';
import { generateOrder } from './order-generator';
import { summarizeLatencies } from './percentiles';
import { RequestAuth, requestHeaders } from './request-auth';

/** autocannon's per-connection context: one request in flight per connection, and the orders it carries. */
type RequestContext = { orderIds?: string[] };

const run = (options: LoadGeneratorOptions, port: MessagePort): void => {
  const post = (message: FromGenerator) => port.postMessage(message);
  let auth: RequestAuth = options.auth;
  const sent = new Map<string, OrderRequest>();
  const accepted = new Map<string, OrderRequest>();
  const answered: string[] = [];
  const statusCounts: Record<string, number> = {};
  const latencies: number[] = [];
  const batchRoute = options.ordersPerRequest > 1;
  const path = batchRoute ? '/orders/batch' : '/orders';
  const requestCount = options.durationSeconds ? undefined : Math.ceil(options.orders / options.ordersPerRequest);
  let nextOrder = 0;
  let stoppedEarly = false;
  const started = performance.now();
  let lastAnswerAt = started;

  let ticker: NodeJS.Timeout | undefined;
  let cap: NodeJS.Timeout | undefined;
  const progress = () => ({ requests: latencies.length, ordersSent: sent.size, accepted: accepted.size, elapsedMs: performance.now() - started });
  const instance = autocannon(
    {
      url: options.url,
      // autocannon refuses more connections than requests.
      connections: Math.min(options.connections, requestCount ?? options.connections),
      // autocannon rejects an undefined duration: pass one only for a timed run.
      ...(options.durationSeconds ? { duration: options.durationSeconds } : { amount: requestCount }),
      overallRate: options.rate,
      // Each response carries the orderIds of that request's orders; nothing is matched by position.
      requests: [
        {
          method: 'POST',
          path,
          setupRequest: (request, context) => {
            const orders = Array.from({ length: Math.min(options.ordersPerRequest, options.orders - nextOrder) }, () => generateOrder(options.runId, nextOrder++));
            for (const order of orders) sent.set(order.orderId, order);
            (context as RequestContext).orderIds = orders.map((order) => order.orderId);
            const body = JSON.stringify(batchRoute ? { orders } : orders[0]);
            return { ...request, headers: requestHeaders(auth, { method: 'POST', path, body }), body };
          },
          onResponse: (status, body, context) => {
            statusCounts[status] = (statusCounts[status] ?? 0) + 1;
            answered.push(...((context as RequestContext).orderIds ?? []));
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
    },
    (error, result) => {
      clearInterval(ticker);
      clearTimeout(cap);
      if (error) {
        post({ type: 'failed', message: error.message });
        return;
      }
      const final: LoadResult = {
        requests: latencies.length,
        sent: [...sent],
        accepted: [...accepted],
        answered,
        statusCounts,
        latencyMs: summarizeLatencies(latencies),
        errors: result.errors,
        seconds: Math.round(lastAnswerAt - started) / 1000,
        stoppedEarly,
      };
      post({ type: 'done', result: final });
    },
  );
  instance.on('response', (_client, _status, _bytes, responseTimeMs) => {
    latencies.push(responseTimeMs);
    lastAnswerAt = performance.now();
  });
  const stop = () => {
    stoppedEarly = true;
    instance.stop();
  };
  ticker = setInterval(() => post({ type: 'progress', progress: progress() }), options.progressMs ?? 2_000);
  if (options.maxSeconds) cap = setTimeout(stop, options.maxSeconds * 1000);
  port.on('message', (message: ToGenerator) => {
    if (message.type === 'auth') auth = message.auth;
    else stop();
  });
};

if (parentPort) {
  try {
    run(workerData as LoadGeneratorOptions, parentPort);
  } catch (error) {
    parentPort.postMessage({ type: 'failed', message: (error as Error).message } satisfies FromGenerator);
  }
}
