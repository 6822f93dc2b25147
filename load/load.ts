import { newSeed } from '../local-runtime';
import { throwIfInterrupted } from './lib/interrupt';
import { generateLoad, type LoadProgress, type LoadResult, resultMaps } from './lib/load-generator';
import type { LoadTarget, LocalMeasurements } from './lib/load-target';
import { localLoadTarget } from './lib/local-load-target';
import type { LatencySummary } from './lib/percentiles';
import { type Verification, verificationProblems } from './lib/pipeline-checks';

export interface LoadOptions {
  /** Orders to send; the run ends when all are sent. Infinity with `durationSeconds`. */
  readonly orders: number;
  /** Send for this long instead of a fixed number of orders. */
  readonly durationSeconds?: number;
  readonly connections: number;
  /** Requests per second over all connections; unset: the target's default (a stage's throttling limit) or as fast as the connections go. */
  readonly rate?: number;
  /** Orders per request: 1 posts to /orders, more to /orders/batch (at most 25). */
  readonly ordersPerRequest: number;
  /** Seeds every random choice of the run (the orders' content and, locally, the runtime's); a new one when absent. The report carries it for a replay. */
  readonly seed?: number;
}

export interface LocalLoadOptions extends LoadOptions {
  /** Consumer settings to run with instead of the stage's (the tune sweep varies these). */
  readonly consumer?: { readonly batchSize?: number; readonly maxBatchingWindowSeconds?: number; readonly maxConcurrency?: number };
  /** Also print the local runtime's start-up lines. */
  readonly verbose?: boolean;
}

export interface LoadReport {
  readonly target: string;
  /** Prefix of every orderId the run sent. */
  readonly runId: string;
  /** Run again with this seed to send the same orders. */
  readonly seed: number;
  readonly options: LoadOptions;
  /** Requests per second the run was paced at, if any. */
  readonly rate?: number;
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
  /** From the end of sending until the pipeline had settled and the table was checked. */
  readonly settleSeconds: number;
  readonly deadLetterMessages: { readonly before: number; readonly after: number };
  /** Counted by the local runtime; absent for a deployed stage. */
  readonly measured?: LocalMeasurements;
  readonly problems: readonly string[];
}

/** What an interrupted load run had measured (RunInterrupted's partial). */
export interface PartialLoadReport {
  readonly target: string;
  readonly stoppedWhile: 'starting' | 'sending' | 'settling';
  readonly seed: number;
  readonly seconds: number;
  /** Requests answered. */
  readonly requests: number;
  readonly ordersSent: number;
  readonly accepted: number;
  /** Known once the load generator has reported its results (not from its progress counts alone). */
  readonly statusCounts?: Readonly<Record<string, number>>;
  readonly latencyMs?: LatencySummary;
}

const partialOf = (
  target: string,
  stoppedWhile: PartialLoadReport['stoppedWhile'],
  seed: number,
  measured?: LoadResult | LoadProgress,
): PartialLoadReport => {
  if (!measured) return { target, stoppedWhile, seed, seconds: 0, requests: 0, ordersSent: 0, accepted: 0 };
  if ('elapsedMs' in measured) {
    return {
      target,
      stoppedWhile,
      seed,
      seconds: Math.round(measured.elapsedMs / 100) / 10,
      requests: measured.requests,
      ordersSent: measured.ordersSent,
      accepted: measured.accepted,
    };
  }
  return {
    target,
    stoppedWhile,
    seed,
    seconds: Math.round(measured.seconds * 10) / 10,
    requests: measured.requests,
    ordersSent: measured.sent.length,
    accepted: measured.accepted.length,
    statusCounts: measured.statusCounts,
    latencyMs: measured.latencyMs,
  };
};

/**
 * A load run on a fresh local pipeline (stopped afterwards). When `signal` aborts, it stops sending
 * and throws RunInterrupted with a PartialLoadReport, after stopping the pipeline.
 */
export const runLoad = async (options: LocalLoadOptions, log: (line: string) => void, signal?: AbortSignal): Promise<LoadReport> => {
  const seeded = { ...options, seed: options.seed ?? newSeed() };
  log('starting the local runtime ...');
  const target = await localLoadTarget({
    eventSourceOverrides: options.consumer,
    log: options.verbose ? log : undefined,
    seed: seeded.seed,
  });
  if (target.dashboardUrl) log(`live dashboard: ${target.dashboardUrl} (until the run ends)`);
  if (target.outputsFile)
    log(`its outputs: ${target.outputsFile} (npm run consumer -- pause --local --outputs <that file> pauses its consumer)`);
  try {
    return await runLoadOn(target, seeded, log, signal);
  } finally {
    await target.stop();
  }
};

/**
 * Drives a target with autocannon (in a worker thread), then checks end to end that every accepted order is stored
 * exactly once, and (locally) prices what the run did.
 */
export const runLoadOn = async (
  target: LoadTarget,
  options: LoadOptions,
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<LoadReport> => {
  const seed = options.seed ?? newSeed();
  throwIfInterrupted(signal, () => partialOf(target.label, 'starting', seed));
  const runId = `load-${Date.now().toString(36)}`;
  const rate = options.rate ?? target.defaultRate;
  const batchRoute = options.ordersPerRequest > 1;
  const requestCount = options.durationSeconds ? undefined : Math.ceil(options.orders / options.ordersPerRequest);
  log(
    `sending ${options.durationSeconds ? `orders for ${options.durationSeconds} s` : `${options.orders} orders in ${requestCount} requests`} to ${target.label} (${batchRoute ? `${options.ordersPerRequest} per POST /orders/batch` : 'POST /orders'}) over ${options.connections} connections${rate ? ` at ${rate} requests/s${options.rate ? '' : " (the stage's throttling limit; --rate to change)"}` : ''} ...`,
  );
  let lastTick: LoadProgress = { requests: 0, ordersSent: 0, accepted: 0, elapsedMs: 0 };
  const result = await generateLoad(
    {
      url: target.apiUrl,
      runId,
      orders: options.orders,
      ordersPerRequest: options.ordersPerRequest,
      connections: options.connections,
      durationSeconds: options.durationSeconds,
      rate,
      auth: target.requestAuth(),
      seed,
    },
    {
      signal,
      auth: () => target.requestAuth(),
      onProgress: (now) => {
        const perSecond = Math.round(((now.requests - lastTick.requests) * 1000) / Math.max(1, now.elapsedMs - lastTick.elapsedMs));
        log(
          `  ${Math.round(now.elapsedMs / 1000)} s: ${now.requests}${requestCount ? `/${requestCount}` : ''} requests (${perSecond}/s), ${now.accepted} orders accepted`,
        );
        lastTick = now;
      },
    },
  ).catch((error: unknown) => {
    // A generator that would not stop leaves its last progress counts.
    throwIfInterrupted(signal, () => partialOf(target.label, 'sending', seed, lastTick));
    throw error;
  });
  throwIfInterrupted(signal, () => partialOf(target.label, 'sending', seed, result));
  const { sent, accepted } = resultMaps(result);
  const answered = new Set(result.answered);
  const { statusCounts } = result;
  const sendSeconds = Math.max(0.001, result.seconds);

  log('waiting for the queue to drain, then checking the table ...');
  const settleStarted = Date.now();
  const { drained, stored, verification, deadLetterMessages } = await target.settle(runId, sent, accepted, log, signal);
  throwIfInterrupted(signal, () => partialOf(target.label, 'settling', seed, result));
  // A timed run stops with a request in flight on each connection: the server may have taken those
  // orders though their answer never came. They are reported, not counted against the pipeline.
  const cutOff = new Set([...sent.keys()].filter((id) => !answered.has(id)));
  const storedUnanswered = verification.unexpected.filter((id) => cutOff.has(id));
  const checked = { ...verification, unexpected: verification.unexpected.filter((id) => !cutOff.has(id)) };
  const problems = [
    ...(accepted.size === 0 ? [`no order was accepted (status counts: ${JSON.stringify(statusCounts)})`] : []),
    ...(drained ? [] : ['the queue did not drain in time: the checks below may be incomplete']),
    ...(result.errors > 0 ? [`${result.errors} requests failed at the connection level`] : []),
    ...(deadLetterMessages.after > deadLetterMessages.before
      ? [
          `the DLQ holds ${deadLetterMessages.after - deadLetterMessages.before} more message(s) than before the run${target.label === 'local' ? '' : `: npm run dlq -- inspect --stage ${target.label}`}`,
        ]
      : []),
    ...verificationProblems(checked),
  ];
  return {
    target: target.label,
    runId,
    seed,
    options,
    rate,
    seconds: Math.round(sendSeconds * 10) / 10,
    requests: result.requests,
    requestsPerSecond: Math.round(result.requests / sendSeconds),
    latencyMs: result.latencyMs,
    statusCounts,
    accepted: accepted.size,
    stored: stored.length,
    verification: checked,
    cutOff: { sent: cutOff.size, stored: storedUnanswered.length },
    settleSeconds: Math.round((Date.now() - settleStarted) / 100) / 10,
    deadLetterMessages,
    measured: target.measure?.(accepted.size, stored),
    problems,
  };
};
