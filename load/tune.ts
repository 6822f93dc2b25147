import { newSeed } from '../local-runtime';
import type { CostBreakdown } from './lib/cost-model';
import type { LatencySummary } from './lib/percentiles';
import { RunInterrupted, throwIfInterrupted } from './lib/interrupt';
import { type LoadOptions, type LoadReport, type PartialLoadReport, runLoad } from './load';
import type { LocalMeasurements } from './lib/load-target';

export interface TunePoint {
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  readonly maxConcurrency: number;
}

export interface TuneResult extends TunePoint {
  /** Every point of a sweep sends the same orders, from this seed. */
  readonly seed: number;
  readonly consumerInvocationsPer1000: number;
  readonly dynamoDbRequestsPer1000: number;
  readonly sqsRequestsPer1000: number;
  readonly acceptedToStoredMs: LatencySummary;
  readonly cost: CostBreakdown;
  /** The naive design priced from the same run. */
  readonly naiveCost: CostBreakdown;
  readonly problems: readonly string[];
}

/** AWS rejects a batch size above 10 without a batching window; such points are left out. */
export const sweepPoints = (batchSizes: readonly number[], windows: readonly number[], concurrencies: readonly number[]): TunePoint[] =>
  batchSizes.flatMap((batchSize) =>
    windows
      .filter((window) => batchSize <= 10 || window > 0)
      .flatMap((maxBatchingWindowSeconds) =>
        concurrencies.map((maxConcurrency) => ({ batchSize, maxBatchingWindowSeconds, maxConcurrency })),
      ),
  );

const per1000 = (count: number, orders: number) => (orders === 0 ? 0 : Math.round((count * 10_000) / orders) / 10);

const sumOf = (counts: Readonly<Record<string, number>>, prefix: string) =>
  Object.entries(counts)
    .filter(([operation]) => operation.startsWith(prefix))
    .reduce((sum, [, count]) => sum + count, 0);

export const toTuneResult = (point: TunePoint, report: LoadReport & { measured: LocalMeasurements }): TuneResult => ({
  ...point,
  seed: report.seed,
  consumerInvocationsPer1000: per1000(report.measured.consumerInvocations, report.accepted),
  dynamoDbRequestsPer1000: per1000(sumOf(report.measured.requestCounts, 'dynamodb:'), report.accepted),
  sqsRequestsPer1000: per1000(sumOf(report.measured.requestCounts, 'sqs:'), report.accepted),
  acceptedToStoredMs: report.measured.acceptedToStoredMs,
  cost: report.measured.costPerMillion.pipeline,
  naiveCost: report.measured.costPerMillion.naive,
  problems: report.problems,
});

/** What an interrupted sweep had measured (RunInterrupted's partial). */
export interface PartialTune {
  readonly points: number;
  readonly seed: number;
  readonly completed: readonly TuneResult[];
  /** The point whose run the signal stopped, and what that run had measured. */
  readonly interrupted?: { readonly point: TunePoint; readonly load: PartialLoadReport };
}

/**
 * Runs the same load (the same orders: one seed, `load.seed` or a new one) once per point, each on
 * a fresh local pipeline. When `signal` aborts, the current run stops and RunInterrupted carries a PartialTune.
 */
export const runTune = async (
  points: readonly TunePoint[],
  load: LoadOptions,
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<TuneResult[]> => {
  const seed = load.seed ?? newSeed();
  const results: TuneResult[] = [];
  log(`seed ${seed} (--seed ${seed} sends the same orders again)`);
  for (const [index, point] of points.entries()) {
    throwIfInterrupted(signal, (): PartialTune => ({ points: points.length, seed, completed: results }));
    log(
      `[${index + 1}/${points.length}] batch size ${point.batchSize}, window ${point.maxBatchingWindowSeconds} s, max concurrency ${point.maxConcurrency} ...`,
    );
    const report = await runLoad({ ...load, seed, consumer: point }, () => undefined, signal).catch((error: unknown) => {
      if (error instanceof RunInterrupted) {
        throw new RunInterrupted<PartialTune>({
          points: points.length,
          seed,
          completed: results,
          interrupted: { point, load: error.partial as PartialLoadReport },
        });
      }
      throw error;
    });
    if (!report.measured) throw new Error('a local load run returned no measurements');
    const result = toTuneResult(point, { ...report, measured: report.measured });
    results.push(result);
    log(
      `    accept→stored p50 ${result.acceptedToStoredMs.p50} ms, p99 ${result.acceptedToStoredMs.p99} ms; ` +
        `${result.consumerInvocationsPer1000} invocations, ${result.dynamoDbRequestsPer1000} DynamoDB and ${result.sqsRequestsPer1000} SQS requests per 1,000 orders; ` +
        `$${result.cost.total.toFixed(3)} per million (naive design $${result.naiveCost.total.toFixed(3)})${result.problems.length > 0 ? `; PROBLEMS: ${result.problems.length}` : ''}`,
    );
  }
  return results;
};

/** The cheapest point whose accept→stored p99 meets the target; undefined when none does. */
export const recommend = (results: readonly TuneResult[], p99TargetMs: number): TuneResult | undefined =>
  results
    .filter((result) => result.problems.length === 0 && result.acceptedToStoredMs.p99 <= p99TargetMs)
    .sort((a, b) => a.cost.total - b.cost.total || a.acceptedToStoredMs.p99 - b.acceptedToStoredMs.p99)[0];
