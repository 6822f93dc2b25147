import {
  billedGbSeconds,
  cheapestMeetingBounds,
  cpuShareAt,
  type FunctionPhases,
  modelledDurationMs,
  sweepFunction,
} from '../../../load/lib/memory-model';

const bounds = { requestP99Ms: 100, batchP99Ms: 1000, initMs: 1000 };

/** A request function's measurements unless `fields` say otherwise. */
const measured = (fields: Partial<FunctionPhases>): FunctionPhases => ({
  functionName: 'api',
  memorySizeMb: 256,
  batch: false,
  invocations: [],
  inits: [],
  ...fields,
});

describe('memory model', () => {
  it('gives one vCPU at 1,769 MB and above, and a proportional share below', () => {
    expect(cpuShareAt(1769)).toBe(1);
    expect(cpuShareAt(3008)).toBe(1);
    expect(cpuShareAt(884.5)).toBeCloseTo(0.5, 10);
  });

  it('stretches CPU time by 1,769 / memory and leaves the waiting as it is', () => {
    // 10 ms of CPU in 30 ms of wall time: 20 ms waiting. At 128 MB: 10 × 1769 / 128 = 138.203… + 20.
    expect(modelledDurationMs({ durationMs: 30, cpuMs: 10 }, 128)).toBeCloseTo(158.203125, 6);
    expect(modelledDurationMs({ durationMs: 30, cpuMs: 10 }, 1769)).toBe(30);
    expect(modelledDurationMs({ durationMs: 30, cpuMs: 10 }, 3008)).toBe(30);
  });

  it('counts CPU above the wall time (other threads) as serial work with no waiting', () => {
    expect(modelledDurationMs({ durationMs: 10, cpuMs: 12 }, 1769)).toBe(12);
  });

  it('bills each duration rounded up to the millisecond, times memory in GB', () => {
    expect(billedGbSeconds(0.2, 1024)).toBe(0.001);
    expect(billedGbSeconds(1000, 512)).toBe(0.5);
  });

  it('prices handler and INIT GB-s per million orders at the given price', () => {
    const phases = measured({
      invocations: [
        { durationMs: 10, cpuMs: 5 },
        { durationMs: 20, cpuMs: 0 },
      ],
      inits: [{ durationMs: 100, cpuMs: 100 }],
    });
    const [point] = sweepFunction('ApiFunction', phases, [1769], 2, 1).points;
    // At one vCPU nothing changes: (10 + 20 + 100) ms × 1769/1024 GB = 0.224580… GB-s for 2 orders, per million.
    expect(point.costPerMillionOrders).toBeCloseTo((0.13 * (1769 / 1024) * 1e6) / 2, 6);
    expect(point.initMs.max).toBe(100);
  });

  it('picks the cheapest memory whose p99 and worst INIT meet the bounds', () => {
    const phases = measured({
      // 20 ms of CPU and 10 ms of waiting: at 256 MB 20 × 1769/256 + 10 = 148.2 ms (too slow), at 512 MB 79.1 ms.
      invocations: [{ durationMs: 30, cpuMs: 20 }],
      inits: [{ durationMs: 100, cpuMs: 100 }],
    });
    const sweep = sweepFunction('ApiFunction', phases, [128, 256, 512, 1024], 1);
    expect(cheapestMeetingBounds(sweep, bounds)?.memoryMb).toBe(512);
    // A tighter INIT bound: 100 ms × 1769/1024 = 172.8 ms needs 1,024 MB.
    expect(cheapestMeetingBounds(sweep, { ...bounds, initMs: 200 })?.memoryMb).toBe(1024);
    expect(cheapestMeetingBounds(sweep, { ...bounds, initMs: 50 })).toBeUndefined();
  });

  it('holds a batch function to the batch bound, not the request bound', () => {
    const phases = measured({
      batch: true,
      invocations: [{ durationMs: 60, cpuMs: 50 }],
    });
    // 50 × 1769/128 + 10 = 701 ms: over the request bound, within the batch bound.
    expect(cheapestMeetingBounds(sweepFunction('ConsumerFunction', phases, [128, 256], 1), bounds)?.memoryMb).toBe(128);
  });

  it('makes a pure-waiting function cost more with every step of memory', () => {
    const phases = measured({
      invocations: [{ durationMs: 40, cpuMs: 0 }],
    });
    const costs = sweepFunction('Waits', phases, [128, 256, 512], 1).points.map((point) => point.costPerMillionOrders);
    expect(costs[1]).toBeCloseTo(costs[0] * 2, 6);
    expect(costs[2]).toBeCloseTo(costs[0] * 4, 6);
  });
});
