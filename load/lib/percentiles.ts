import { build, type Histogram } from 'hdr-histogram-js';

export interface LatencySummary {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** The histogram counts whole numbers; microseconds keep a warm invoke (about a millisecond) apart from its neighbours. */
const MICROSECONDS_PER_MS = 1000;

/**
 * Latencies in milliseconds, counted in an HdrHistogram (3 significant digits: each percentile is
 * within 0.1 % of the sample it stands for) instead of kept and sorted; memory does not grow with the run.
 */
export class LatencyHistogram {
  private readonly histogram: Histogram = build({ numberOfSignificantValueDigits: 3 });

  record(ms: number): void {
    // A clock step can make a duration come out negative; the histogram refuses those.
    this.histogram.recordValue(Math.max(0, Math.round(ms * MICROSECONDS_PER_MS)));
  }

  /** `count` samples of the same latency at once (a simulation's cohort of orders). */
  recordMany(ms: number, count: number): void {
    if (count > 0) this.histogram.recordValueWithCount(Math.max(0, Math.round(ms * MICROSECONDS_PER_MS)), count);
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  /** All zeros when nothing was recorded. */
  summary(): LatencySummary {
    const max = this.histogram.maxValue;
    // A percentile is the top of its bucket, which can lie above the largest sample in it.
    const at = (percentile: number) => Math.min(this.histogram.getValueAtPercentile(percentile), max) / MICROSECONDS_PER_MS;
    return { p50: at(50), p95: at(95), p99: at(99), max: max / MICROSECONDS_PER_MS };
  }
}

export const summarizeLatencies = (samples: Iterable<number>): LatencySummary => {
  const histogram = new LatencyHistogram();
  for (const sample of samples) histogram.record(sample);
  return histogram.summary();
};
