import { type TuneResult, recommend, sweepPoints } from '../../../load/tune';
import { renderTuneReport } from '../../../load/tune-report';

const result = (batchSize: number, p99: number, total: number, problems: string[] = []): TuneResult => ({
  batchSize,
  seed: 42,
  maxBatchingWindowSeconds: 1,
  maxConcurrency: 2,
  consumerInvocationsPer1000: 1000 / batchSize,
  dynamoDbRequestsPer1000: 50,
  sqsRequestsPer1000: 1200,
  acceptedToStoredMs: { p50: p99 / 2, p95: p99, p99, max: p99 },
  cost: { httpApi: 1, lambdaRequests: 0.2, lambdaDuration: 0, lambdaInit: 0, sqs: 0, dynamoDb: 0, logs: 0, total },
  naiveCost: { httpApi: 1, lambdaRequests: 0.2, lambdaDuration: 0, lambdaInit: 0, sqs: 0, dynamoDb: 0, logs: 0, total: 2.5 },
  problems,
});

describe('tune sweep', () => {
  it('leaves out batch sizes above 10 without a batching window, as AWS does', () => {
    expect(sweepPoints([10, 100], [0, 2], [2, 5])).toEqual([
      { batchSize: 10, maxBatchingWindowSeconds: 0, maxConcurrency: 2 },
      { batchSize: 10, maxBatchingWindowSeconds: 0, maxConcurrency: 5 },
      { batchSize: 10, maxBatchingWindowSeconds: 2, maxConcurrency: 2 },
      { batchSize: 10, maxBatchingWindowSeconds: 2, maxConcurrency: 5 },
      { batchSize: 100, maxBatchingWindowSeconds: 2, maxConcurrency: 2 },
      { batchSize: 100, maxBatchingWindowSeconds: 2, maxConcurrency: 5 },
    ]);
  });

  it('recommends the cheapest setting that meets the latency target and lost nothing', () => {
    const results = [result(10, 900, 3.1), result(100, 1500, 2.9), result(200, 6000, 2.8), result(50, 1000, 2.7, ['missing: x'])];
    expect(recommend(results, 5000)?.batchSize).toBe(100);
    expect(recommend(results, 500)).toBeUndefined();
  });

  it('renders a self-contained report with the chart, every setting and the recommendation', () => {
    const results = [result(10, 900, 3.1), result(100, 1500, 2.9)];
    const html = renderTuneReport(results, results[1], {
      p99TargetMs: 5000,
      description: '1000 orders <fast>',
      date: new Date('2026-11-23T00:00:00Z'),
    });
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<svg');
    expect(html.match(/<circle /g)).toHaveLength(2);
    expect(html).toContain('Recommended for p99 ≤ 5000 ms: batch size 100');
    expect(html).toContain('1000 orders &lt;fast&gt;');
    expect(html).toContain('<td>2.500</td>');
    expect(html).not.toMatch(/<script|src=|href=/);
  });

  it('names the seed the sweep took its orders from, so the same orders can be sent again', () => {
    const html = renderTuneReport([result(10, 900, 3.1)], undefined, {
      p99TargetMs: 500,
      description: '1000 orders.',
      date: new Date('2026-11-23T00:00:00Z'),
    });
    expect(html).toContain('Orders from seed 42.');
  });
});
