import { runBench } from '../../load/bench';

// The benchmark's figures are printed by `npm run bench`, never asserted; this only proves every part runs.
describe('npm run bench (smallest scale)', () => {
  it('measures floors, intake, accept → stored, our consumer against the emulator ceiling and a naive one, warm invokes and the bundles in one run', async () => {
    const report = await runBench(() => undefined, 0.01);

    const throughputs = [...Object.values(report.floors), ...Object.values(report.intake), ...Object.values(report.consumer)];
    expect(throughputs.every((t) => t.count >= 100 && t.perSecond > 0)).toBe(true);
    expect(report.bundles.map((b) => b.function).sort()).toEqual(['ApiFunction', 'ConsumerFunction']);
    expect(report.bundles.every((b) => b.bundleBytes > 0 && b.initMs > 0)).toBe(true);
    expect(report.layerBytes).toBeGreaterThan(report.bundles[0].bundleBytes);
    expect(report.latency).toMatchObject({ batchSize: 100, maxBatchingWindowSeconds: 1, ordersPerSecond: 100 });
    expect(report.latency.samples).toBeGreaterThan(0);
    expect(report.latency.p99Ms).toBeGreaterThanOrEqual(report.latency.p50Ms);
    expect(report.warmInvoke.invokes).toBe(100);
    expect(Object.values(report.ratios).every((value) => typeof value === 'number' && value > 0)).toBe(true);
  }, 120_000);
});
