// The load generator's worker thread (started by load-generator.ts through load-generator-worker.js).
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';
import type { OrderRequest } from '../../shared-layer/src/tooling';
// Straight to the module, not the runtime's index: this worker is bundled on its own and must not pull in the CDK.
import { derivedRandom, type Random } from '../../local-runtime/seeded-random';
import type { FromGenerator, LoadGeneratorOptions, LoadProgress, LoadResult, ToGenerator } from './load-generator';
import { generateOrder } from './order-generator';
import { LatencyHistogram } from './percentiles';
import { type RequestAuth, requestHeaders } from './request-auth';

interface OutgoingOrders {
  readonly orderIds: string[];
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** Everything a run does per request: the orders it sends, and what each answer says about them. */
class Bookkeeping {
  readonly path: string;
  /** Undefined for a timed run. */
  readonly requestCount?: number;
  auth: RequestAuth;
  stoppedEarly = false;
  private readonly sent = new Map<string, OrderRequest>();
  private readonly accepted = new Map<string, OrderRequest>();
  private readonly answered: string[] = [];
  private readonly statusCounts: Record<string, number> = {};
  private readonly latencies = new LatencyHistogram();
  /** One stream for the orders' content, drawn in order-index order: the same seed sends the same orders. */
  private readonly random: Random;
  private nextOrder = 0;
  private readonly started = performance.now();
  private lastAnswerAt = this.started;

  constructor(private readonly options: LoadGeneratorOptions) {
    this.path = options.ordersPerRequest > 1 ? '/orders/batch' : '/orders';
    this.requestCount = options.durationSeconds ? undefined : Math.ceil(options.orders / options.ordersPerRequest);
    this.auth = options.auth;
    this.random = derivedRandom(options.seed, 'orders');
  }

  nextRequest(): OutgoingOrders {
    const { options } = this;
    const orders = Array.from({ length: Math.min(options.ordersPerRequest, options.orders - this.nextOrder) }, () =>
      generateOrder(options.runId, this.nextOrder++, this.random),
    );
    for (const order of orders) this.sent.set(order.orderId, order);
    const body = JSON.stringify(options.ordersPerRequest > 1 ? { orders } : orders[0]);
    return {
      orderIds: orders.map((order) => order.orderId),
      body,
      headers: requestHeaders(this.auth, { method: 'POST', path: this.path, body }),
    };
  }

  /** Each answer carries the orderIds of that request's orders; nothing is matched by position. */
  answer(status: number, body: string, orderIds: readonly string[]): void {
    this.statusCounts[status] = (this.statusCounts[status] ?? 0) + 1;
    this.answered.push(...orderIds);
    if (status !== 202 && status !== 207) return;
    const parsed = JSON.parse(body) as { orderId?: string; results?: { status: string; orderId?: string }[] };
    const ids = parsed.results ? parsed.results.filter((r) => r.status === 'ACCEPTED').map((r) => r.orderId ?? '') : [parsed.orderId ?? ''];
    for (const id of ids) {
      const order = this.sent.get(id);
      if (order) this.accepted.set(id, order);
    }
  }

  latency(ms: number): void {
    this.latencies.record(ms);
    this.lastAnswerAt = performance.now();
  }

  progress(): LoadProgress {
    return {
      requests: this.latencies.count,
      ordersSent: this.sent.size,
      accepted: this.accepted.size,
      elapsedMs: performance.now() - this.started,
    };
  }

  result(errors: number): LoadResult {
    return {
      requests: this.latencies.count,
      sent: [...this.sent],
      accepted: [...this.accepted],
      answered: this.answered,
      statusCounts: this.statusCounts,
      latencyMs: this.latencies.summary(),
      errors,
      seconds: Math.round(this.lastAnswerAt - this.started) / 1000,
      stoppedEarly: this.stoppedEarly,
    };
  }
}

interface Engine {
  /** Resolves with the count of connection-level errors once sending is over. */
  readonly done: Promise<number>;
  stop(): void;
}

/** autocannon's per-connection context: one request in flight per connection, and the orders it carries. */
type RequestContext = { orderIds?: string[] };

/** autocannon: closed loop over `connections`; with a rate, each connection sends its share at the start of every second. */
const autocannonEngine = (options: LoadGeneratorOptions, books: Bookkeeping): Engine => {
  let instance: autocannon.Instance | undefined;
  const done = new Promise<number>((resolve, reject) => {
    instance = autocannon(
      {
        url: options.url,
        // autocannon refuses more connections than requests.
        connections: Math.min(options.connections, books.requestCount ?? options.connections),
        // autocannon rejects an undefined duration: pass one only for a timed run.
        ...(options.durationSeconds ? { duration: options.durationSeconds } : { amount: books.requestCount }),
        overallRate: options.rate,
        requests: [
          {
            method: 'POST',
            path: books.path,
            setupRequest: (request, context) => {
              const { orderIds, body, headers } = books.nextRequest();
              (context as RequestContext).orderIds = orderIds;
              return { ...request, headers, body };
            },
            onResponse: (status, body, context) => books.answer(status, body, (context as RequestContext).orderIds ?? []),
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result.errors)),
    );
    instance.on('response', (_client, _status, _bytes, responseTimeMs) => books.latency(responseTimeMs));
  });
  return { done, stop: () => instance?.stop() };
};

/**
 * Open loop at an even `rate`: request i leaves at i / rate seconds, whatever the answers do (at
 * most `connections` in flight), so arrivals are as smooth as a steady stream of clients.
 */
const evenPaceEngine = (options: LoadGeneratorOptions, books: Bookkeeping): Engine => {
  let stopped = false;
  const send = async (): Promise<boolean> => {
    const { orderIds, body, headers } = books.nextRequest();
    const started = performance.now();
    try {
      const response = await fetch(`${options.url}${books.path}`, { method: 'POST', headers, body });
      const text = await response.text();
      books.latency(performance.now() - started);
      books.answer(response.status, text, orderIds);
      return true;
    } catch {
      return false;
    }
  };
  const done = (async () => {
    const rate = options.rate ?? 1;
    const endAt = options.durationSeconds ? performance.now() + options.durationSeconds * 1000 : Infinity;
    const inFlight = new Set<Promise<boolean>>();
    let errors = 0;
    const startedAt = performance.now();
    for (let i = 0; !stopped && i < (books.requestCount ?? Infinity); i += 1) {
      const due = startedAt + (i * 1000) / rate;
      if (due >= endAt) break;
      if (due > performance.now()) await sleep(due - performance.now());
      while (inFlight.size >= options.connections) await Promise.race(inFlight);
      if (stopped) break;
      const request: Promise<boolean> = send().then((ok) => {
        inFlight.delete(request);
        if (!ok) errors += 1;
        return ok;
      });
      inFlight.add(request);
    }
    await Promise.all(inFlight);
    return errors;
  })();
  return {
    done,
    stop: () => {
      stopped = true;
    },
  };
};

const run = (options: LoadGeneratorOptions, port: MessagePort): void => {
  const post = (message: FromGenerator) => port.postMessage(message);
  const books = new Bookkeeping(options);
  const engine = options.evenPace ? evenPaceEngine(options, books) : autocannonEngine(options, books);
  const stop = () => {
    books.stoppedEarly = true;
    engine.stop();
  };
  const ticker = setInterval(() => post({ type: 'progress', progress: books.progress() }), options.progressMs ?? 2_000);
  const cap = options.maxSeconds ? setTimeout(stop, options.maxSeconds * 1000) : undefined;
  port.on('message', (message: ToGenerator) => {
    if (message.type === 'auth') books.auth = message.auth;
    else stop();
  });
  engine.done
    .then(
      (errors) => post({ type: 'done', result: books.result(errors) }),
      (error: Error) => post({ type: 'failed', message: error.message }),
    )
    .finally(() => {
      clearInterval(ticker);
      clearTimeout(cap);
    });
};

if (parentPort) {
  try {
    run(workerData as LoadGeneratorOptions, parentPort);
  } catch (error) {
    parentPort.postMessage({ type: 'failed', message: (error as Error).message } satisfies FromGenerator);
  }
}
