import { LatencyHistogram, summarizeLatencies } from '../../../load/lib/percentiles';

/** The histogram keeps 3 significant digits: a figure may sit up to 0.1 % above the sample it stands for. */
const expectWithinPrecision = (actual: number, expected: number) => {
  expect(actual).toBeGreaterThanOrEqual(expected);
  expect(actual).toBeLessThanOrEqual(expected * 1.001);
};

describe('summarizeLatencies', () => {
  it('gives the nearest-rank p50, p95 and p99 of 1..1000 ms within the histogram precision, and the exact max', () => {
    const summary = summarizeLatencies(Array.from({ length: 1000 }, (_, i) => 1000 - i));

    expectWithinPrecision(summary.p50, 500);
    expectWithinPrecision(summary.p95, 950);
    expectWithinPrecision(summary.p99, 990);
    expect(summary.max).toBe(1000);
  });

  it('puts p99 on the tail only when more than 1 % of the samples are in it', () => {
    const fast = (count: number) => Array.from({ length: count }, () => 10);
    const slow = (count: number) => Array.from({ length: count }, () => 5000);

    expectWithinPrecision(summarizeLatencies([...fast(990), ...slow(10)]).p99, 10);
    expectWithinPrecision(summarizeLatencies([...fast(989), ...slow(11)]).p99, 5000);
  });

  it('keeps sub-millisecond resolution for warm-invoke figures', () => {
    const summary = summarizeLatencies([0.8, 1.2, 1.25, 1.3, 3.75]);

    expectWithinPrecision(summary.p50, 1.25);
    expect(summary.max).toBe(3.75);
  });

  it('never reports a percentile above the largest sample', () => {
    const summary = summarizeLatencies(Array.from({ length: 100 }, () => 1234.5));

    expect(summary).toEqual({ p50: 1234.5, p95: 1234.5, p99: 1234.5, max: 1234.5 });
  });

  it('reports zeros for no samples', () => {
    expect(summarizeLatencies([])).toEqual({ p50: 0, p95: 0, p99: 0, max: 0 });
  });
});

describe('LatencyHistogram', () => {
  it('counts what it recorded and records a negative duration (a clock step) as zero', () => {
    const histogram = new LatencyHistogram();
    histogram.record(-3);
    histogram.record(7);

    expect(histogram.count).toBe(2);
    expect(histogram.summary().p50).toBe(0);
  });
});
