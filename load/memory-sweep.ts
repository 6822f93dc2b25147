import { newSeed } from '../local-runtime';
import { localLoadTarget } from './lib/local-load-target';
import { cheapestMeetingBounds, type FunctionSweep, type LatencyBounds, type MemoryPoint, sweepFunction } from './lib/memory-model';
import { type LocalLoadOptions, runLoadOn } from './load';

export interface MemorySweepOptions {
  readonly load: Required<Pick<LocalLoadOptions, 'orders' | 'connections' | 'rate' | 'seed'>> & Pick<LocalLoadOptions, 'consumer'>;
  /** Reads of GET /orders/{orderId} and of GET /openapi.json after the load: the load itself calls neither. */
  readonly reads: number;
  readonly memoriesMb: readonly number[];
  readonly bounds: LatencyBounds;
}

export interface MemorySweepReport {
  readonly seed: number;
  readonly ordersStored: number;
  readonly functions: readonly FunctionSweep[];
  /** By logical id: the cheapest memory within the bounds, or undefined when none is. */
  readonly recommended: Readonly<Record<string, MemoryPoint | undefined>>;
  readonly problems: readonly string[];
}

export class ReadProbeError extends Error {
  override readonly name = 'ReadProbeError';
}

/** Reads each function the load does not call, `reads` times, one at a time (warm invocations after one cold start). */
const readFunctions = async (apiUrl: string, runId: string, reads: number, log: (line: string) => void): Promise<void> => {
  log(`reading ${reads} stored orders (GET /orders/{orderId}) and the API description ${reads} times (GET /openapi.json) ...`);
  for (let index = 0; index < reads; index += 1) {
    // An order the API refused reads as 404: the same GetItem, so it measures the function as well.
    for (const [route, answers] of [
      [`/orders/${runId}-${index}`, [200, 404]],
      ['/openapi.json', [200]],
    ] as const) {
      const response = await fetch(`${apiUrl.replace(/\/$/, '')}${route}`);
      await response.arrayBuffer();
      if (!(answers as readonly number[]).includes(response.status)) {
        throw new ReadProbeError(
          `GET ${route} answered ${response.status}: the local pipeline did not serve a read; see its function logs (--verbose)`,
        );
      }
    }
  }
};

/**
 * One load run on a fresh local pipeline, then a few reads; every invocation's and INIT's CPU and wall time, measured
 * in its environment, modelled at each memory (lib/memory-model.ts).
 */
export const runMemorySweep = async (
  options: MemorySweepOptions,
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<MemorySweepReport> => {
  const seed = options.load.seed ?? newSeed();
  log('starting the local runtime ...');
  const target = await localLoadTarget({ eventSourceOverrides: options.load.consumer, seed });
  try {
    const report = await runLoadOn(target, { ...options.load, seed, ordersPerRequest: 1 }, log, signal);
    if (options.reads > 0) await readFunctions(target.apiUrl, report.runId, options.reads, log);
    const phases = target.invocationPhases?.() ?? {};
    const functions = Object.entries(phases)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([logicalId, measured]) => sweepFunction(logicalId, measured, options.memoriesMb, report.stored));
    return {
      seed,
      ordersStored: report.stored,
      functions,
      recommended: Object.fromEntries(functions.map((sweep) => [sweep.logicalId, cheapestMeetingBounds(sweep, options.bounds)])),
      problems: report.problems,
    };
  } finally {
    await target.stop();
  }
};
