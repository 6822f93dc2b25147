/**
 * Raw datapoints by series, kept for a limited time, with CloudWatch's statistics over a time window. A series is
 * whatever the collector records under one key: one sample per event (a request, an invocation) or per poll (a
 * queue's depth), so SampleCount, Sum and Average mean what they mean in CloudWatch.
 */
export type Statistic = 'Sum' | 'Average' | 'Minimum' | 'Maximum' | 'SampleCount' | `p${number}`;

const PERCENTILE = /^p(\d{1,2}(\.\d+)?|100)$/;

export const isStatistic = (name: string): name is Statistic =>
  ['Sum', 'Average', 'Minimum', 'Maximum', 'SampleCount'].includes(name) || PERCENTILE.test(name);

/** The statistic of some values; undefined for no values, as CloudWatch has no datapoint then. */
export const statisticOf = (statistic: Statistic, values: readonly number[]): number | undefined => {
  if (values.length === 0) return undefined;
  switch (statistic) {
    case 'SampleCount':
      return values.length;
    case 'Sum':
      return values.reduce((sum, value) => sum + value, 0);
    case 'Average':
      return values.reduce((sum, value) => sum + value, 0) / values.length;
    // Not Math.min(...values): a busy minute has more values than a call may take arguments.
    case 'Minimum':
      return values.reduce((min, value) => Math.min(min, value), Infinity);
    case 'Maximum':
      return values.reduce((max, value) => Math.max(max, value), -Infinity);
    default: {
      // Nearest rank, as CloudWatch's percentiles on raw samples.
      const sorted = [...values].sort((a, b) => a - b);
      const rank = Math.ceil((Number(statistic.slice(1)) / 100) * sorted.length);
      return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }
  }
};

interface Series {
  readonly times: number[];
  readonly values: number[];
}

export class MetricStore {
  private readonly series = new Map<string, Series>();
  /** Sums since start, kept apart from the pruned datapoints (meaningful for counts, not for gauges). */
  private readonly totals = new Map<string, number>();
  private readonly counts = new Map<string, number>();

  constructor(
    /** Datapoints older than this are dropped. */
    private retentionMs: number,
  ) {}

  /** Alarms with longer windows need longer history: retention only grows. */
  retainAtLeast(ms: number): void {
    this.retentionMs = Math.max(this.retentionMs, ms);
  }

  record(key: string, value: number, at: number = Date.now()): void {
    let series = this.series.get(key);
    if (!series) {
      series = { times: [], values: [] };
      this.series.set(key, series);
    }
    series.times.push(at);
    series.values.push(value);
    this.totals.set(key, (this.totals.get(key) ?? 0) + value);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** Datapoints recorded under the key since start. */
  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** Every key recorded under since start. */
  keys(): string[] {
    return [...this.counts.keys()];
  }

  /** Sum of every value recorded under the keys since start. */
  total(keys: readonly string[]): number {
    return keys.reduce((sum, key) => sum + (this.totals.get(key) ?? 0), 0);
  }

  /** The latest value of a series, e.g. a polled gauge. */
  latest(key: string): number | undefined {
    const series = this.series.get(key);
    return series?.values[series.values.length - 1];
  }

  /** Values of the given series recorded in (from, to]. */
  valuesIn(keys: readonly string[], from: number, to: number): number[] {
    const values: number[] = [];
    for (const key of keys) {
      const series = this.series.get(key);
      if (!series) continue;
      // Samples arrive in time order; search from the end, where the windows asked for are.
      for (let index = series.times.length - 1; index >= 0 && series.times[index] > from; index -= 1) {
        if (series.times[index] <= to) values.push(series.values[index]);
      }
    }
    return values;
  }

  statistic(keys: readonly string[], statistic: Statistic, from: number, to: number): number | undefined {
    return statisticOf(statistic, this.valuesIn(keys, from, to));
  }

  /** One value per second for the last `seconds` seconds ending at `now` (null where there was no datapoint). */
  perSecond(keys: readonly string[], statistic: Statistic, seconds: number, now: number): (number | null)[] {
    const end = Math.floor(now / 1000) * 1000;
    const buckets: number[][] = Array.from({ length: seconds }, () => []);
    const from = end - seconds * 1000;
    for (const key of keys) {
      const series = this.series.get(key);
      if (!series) continue;
      for (let index = series.times.length - 1; index >= 0 && series.times[index] > from; index -= 1) {
        const bucket = Math.ceil((series.times[index] - from) / 1000) - 1;
        if (bucket < seconds) buckets[bucket].push(series.values[index]);
      }
    }
    return buckets.map((values) => statisticOf(statistic, values) ?? null);
  }

  /** Drops datapoints older than the retention. */
  prune(now: number = Date.now()): void {
    const oldest = now - this.retentionMs;
    for (const series of this.series.values()) {
      let drop = 0;
      while (drop < series.times.length && series.times[drop] <= oldest) drop += 1;
      if (drop > 0) {
        series.times.splice(0, drop);
        series.values.splice(0, drop);
      }
    }
  }
}
