import { runChaos } from '../../load/chaos';

describe('chaos run (small configuration)', () => {
  it('stores every accepted order exactly once, unchanged, under duplicates, throttling, UnprocessedItems, crashes and poison', async () => {
    // Rates well above the README run's so that each fault really fires in 200 orders.
    const report = await runChaos(
      {
        orders: 200,
        concurrency: 8,
        duplicateRate: 0.2,
        throttleRate: 0.2,
        unprocessedRate: 0.3,
        crashRate: 0.2,
        poisonRate: 0.02,
        latencyMs: 0,
        throttleStormSeconds: 0,
        visibilityTimeoutSeconds: 4,
        consumerTimeoutSeconds: 3,
        // Fixed, so the faults fire the same way from run to run (timing can still reorder which call draws which).
        seed: 7,
      },
      () => undefined,
    );

    expect(report.problems).toEqual([]);
    expect(report.accepted).toBe(200);
    expect(report.stored).toBe(200);
    expect(report.duplicatesInjected).toBeGreaterThan(0);
    expect(report.consumerMetrics.duplicatesSkipped).toBeGreaterThan(0);
    // Injected on the wire: the SDK and the store adapter met them as DynamoDB answers.
    expect(report.faultsInjected.throttledCalls).toBeGreaterThan(0);
    expect(report.faultsInjected.unprocessedItems).toBeGreaterThan(0);
    expect(report.faultsInjected.crashes).toBeGreaterThan(0);
    expect(report.failedInvocations['Runtime.ExitError']).toBeGreaterThan(0);
    expect(report.consumerMetrics.unprocessedRetries).toBeGreaterThan(0);
    expect(report.deadLettered.InvalidOrderMessageError).toBeGreaterThanOrEqual(4);
  }, 180_000);
});
