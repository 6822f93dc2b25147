import { ONE_VCPU_MB } from '../../load/lib/memory-model';
import { runMemorySweep } from '../../load/memory-sweep';

const MEMORIES = [128, 512, 1024, ONE_VCPU_MB, 2048, 3008];

describe('npm run tune -- --memory (small run)', () => {
  it('models every function the run invoked at every memory, from CPU time measured in its environments', async () => {
    const report = await runMemorySweep(
      {
        load: { orders: 40, connections: 4, rate: 40, seed: 7 },
        reads: 3,
        memoriesMb: MEMORIES,
        bounds: { requestP99Ms: 100_000, batchP99Ms: 100_000, initMs: 100_000 },
      },
      () => undefined,
    );

    expect(report.problems).toEqual([]);
    expect(report.ordersStored).toBe(40);
    const names = report.functions.map((sweep) => sweep.logicalId.replace(/^OrdersPipeline-dev-/, '').replace(/Function.*$/, ''));
    expect(names).toEqual(['Api', 'Consumer', 'OpenApi', 'OrderStatus']);
    for (const sweep of report.functions) {
      expect(sweep.points.map((point) => point.memoryMb)).toEqual(MEMORIES);
      expect(sweep.inits).toBeGreaterThanOrEqual(1);
      // Every function and INIT spends some CPU: below one vCPU the modelled INIT is slower at less memory.
      expect(sweep.cpuShareOfHandlerTime).toBeGreaterThan(0);
      const inits = sweep.points.map((point) => point.initMs.max);
      expect(inits[0]).toBeGreaterThan(inits[1]);
      for (let i = 1; i < sweep.points.length; i += 1) {
        const [before, after] = [sweep.points[i - 1], sweep.points[i]];
        // More memory never makes an invocation or an INIT slower.
        expect(after.invocationMs.p99).toBeLessThanOrEqual(before.invocationMs.p99);
        expect(after.initMs.max).toBeLessThanOrEqual(before.initMs.max);
        // From one vCPU up nothing gets faster, so each step of memory costs more.
        if (before.memoryMb >= ONE_VCPU_MB) {
          expect(after.invocationMs).toEqual(before.invocationMs);
          expect(after.costPerMillionOrders).toBeGreaterThan(before.costPerMillionOrders);
        }
      }
      // Bounds this loose are met at the cheapest memory.
      const cheapest = [...sweep.points].sort((a, b) => a.costPerMillionOrders - b.costPerMillionOrders)[0];
      expect(report.recommended[sweep.logicalId]?.costPerMillionOrders).toBe(cheapest.costPerMillionOrders);
    }
    const consumer = report.functions.find((sweep) => sweep.logicalId.includes('Consumer'));
    const api = report.functions.find((sweep) => sweep.logicalId.includes('ApiFunction'));
    expect(consumer?.batch).toBe(true);
    expect(api?.batch).toBe(false);
    expect(api?.invocations).toBe(40);
  }, 120_000);
});
