import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { OrderRequest } from '../../shared-layer/src/tooling';
import type { LatencySummary } from './percentiles';
import type { RequestAuth } from './request-auth';

/** What the load generator sends; plain data, since it crosses into a worker thread. */
export interface LoadGeneratorOptions {
  /** Base URL: POST <url>/orders. */
  readonly url: string;
  /** Prefix of every orderId. */
  readonly runId: string;
  /** Orders to send; Infinity with `durationSeconds`. */
  readonly orders: number;
  /** 1 posts to /orders, more to /orders/batch. */
  readonly ordersPerRequest: number;
  readonly connections: number;
  /** Send for this long instead of a fixed number of orders. */
  readonly durationSeconds?: number;
  /** Stop after this long even if orders remain (the benchmark bounds its phases). */
  readonly maxSeconds?: number;
  /** Requests per second over all connections. */
  readonly rate?: number;
  /**
   * Send at an even `rate` (request i at i / rate s, up to `connections` in flight) instead of with
   * autocannon, whose rate lets each connection send its share at the start of every second: bursts
   * that fill a consumer batch at once and flatter any figure that depends on arrival times.
   */
  readonly evenPace?: boolean;
  readonly auth: RequestAuth;
  /** The orders' content comes from this seed: the same seed sends the same orders. */
  readonly seed: number;
  readonly progressMs?: number;
}

export interface LoadProgress {
  /** Requests answered so far. */
  readonly requests: number;
  readonly ordersSent: number;
  readonly accepted: number;
  readonly elapsedMs: number;
}

export interface LoadResult {
  /** Requests answered. */
  readonly requests: number;
  /** Every order sent, by orderId, whether or not its answer came. */
  readonly sent: readonly (readonly [string, OrderRequest])[];
  /** Orders the API accepted (202, or ACCEPTED in a 207), by orderId. */
  readonly accepted: readonly (readonly [string, OrderRequest])[];
  /** orderIds of the requests that got an answer (any status). */
  readonly answered: readonly string[];
  readonly statusCounts: Readonly<Record<string, number>>;
  readonly latencyMs: LatencySummary;
  /** Requests that failed at the connection level. */
  readonly errors: number;
  /** From the first request until the last answer. */
  readonly seconds: number;
  /** Stopped before its orders or duration ran out (asked to, or `maxSeconds`). */
  readonly stoppedEarly: boolean;
}

export type ToGenerator = { readonly type: 'auth'; readonly auth: RequestAuth } | { readonly type: 'stop' };

export type FromGenerator =
  | { readonly type: 'progress'; readonly progress: LoadProgress }
  | { readonly type: 'done'; readonly result: LoadResult }
  | { readonly type: 'failed'; readonly message: string };

export interface LoadHooks {
  /** Aborting stops sending; the promise then resolves with what was measured so far. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: LoadProgress) => void;
  /** Asked again every `authRefreshMs`; a changed answer (renewed credentials) goes to the worker. */
  readonly auth?: () => RequestAuth;
  readonly authRefreshMs?: number;
}

const WORKER_ENTRY = path.join(__dirname, 'load-generator-worker.js');
/** autocannon ends at its next one-second tick; allow for a busy machine on top. */
const STOP_GRACE_MS = 10_000;

/**
 * Runs autocannon (or the even pacer) in a worker thread, so the client does not compete with a
 * local runtime for this thread's event loop: orders, request set-up and response bookkeeping all
 * happen in the worker, which reports counts every `progressMs` and everything it measured at the
 * end. The worker is terminated on every path out.
 */
export const generateLoad = async (options: LoadGeneratorOptions, hooks: LoadHooks = {}): Promise<LoadResult> => {
  const worker = new Worker(WORKER_ENTRY, { workerData: options });
  const timers: NodeJS.Timeout[] = [];
  let onAbort: () => void = () => undefined;
  try {
    return await new Promise<LoadResult>((resolve, reject) => {
      worker.on('message', (message: FromGenerator) => {
        if (message.type === 'progress') hooks.onProgress?.(message.progress);
        else if (message.type === 'done') resolve(message.result);
        else reject(new Error(`load generator failed: ${message.message}`));
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`load generator exited (code ${code}) before it finished`)));
      const post = (message: ToGenerator) => worker.postMessage(message);
      if (hooks.auth) {
        const refresh = hooks.auth;
        let last = JSON.stringify(options.auth);
        timers.push(
          setInterval(() => {
            const auth = refresh();
            if (JSON.stringify(auth) === last) return;
            last = JSON.stringify(auth);
            post({ type: 'auth', auth });
          }, hooks.authRefreshMs ?? 5_000),
        );
      }
      onAbort = () => {
        post({ type: 'stop' });
        timers.push(setTimeout(() => reject(new Error(`load generator did not stop within ${STOP_GRACE_MS / 1000} s`)), STOP_GRACE_MS));
      };
      if (hooks.signal?.aborted) onAbort();
      else hooks.signal?.addEventListener('abort', onAbort, { once: true });
    });
  } finally {
    hooks.signal?.removeEventListener('abort', onAbort);
    for (const timer of timers) clearTimeout(timer);
    await worker.terminate();
  }
};

/** The results as the maps a run checks against. */
export const resultMaps = (result: LoadResult): { sent: Map<string, OrderRequest>; accepted: Map<string, OrderRequest> } => ({
  sent: new Map(result.sent),
  accepted: new Map(result.accepted),
});
