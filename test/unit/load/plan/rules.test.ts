import { AWS_MODEL, PRICE_TIERS, tieredCost } from '../../../../load/plan/aws-model';
import {
  inFlightConcurrencyCeiling,
  LambdaScalingBudget,
  lambdaCpuFactor,
  onDemandWriteCeiling,
  provisionedPollerConcurrency,
  recordsPerBatch,
  standardPollerConcurrency,
} from '../../../../load/plan/rules';

describe('load/plan/rules', () => {
  it('ramps a standard-mode mapping from 5 invokes by 300 a minute: 305 after 1 minute, 605 after 2, the 1,250 ceiling after 5', () => {
    expect(standardPollerConcurrency(0)).toBe(5);
    expect(standardPollerConcurrency(60)).toBe(305);
    expect(standardPollerConcurrency(120)).toBe(605);
    expect(standardPollerConcurrency(300)).toBe(1250);
  });

  it('caps a standard-mode mapping at its MaximumConcurrency', () => {
    expect(standardPollerConcurrency(300, 20)).toBe(20);
    expect(standardPollerConcurrency(0, 2)).toBe(2);
  });

  it('starts a provisioned mapping at 10 invokes per minimum poller and adds 1,000 a minute up to its maximum pollers', () => {
    const pollers = { minimum: 10, maximum: 500 };
    expect(provisionedPollerConcurrency(0, pollers)).toBe(100);
    expect(provisionedPollerConcurrency(60, pollers)).toBe(1100);
    expect(provisionedPollerConcurrency(600, pollers)).toBe(5000);
    expect(provisionedPollerConcurrency(3600, { minimum: 2, maximum: 10_000 })).toBe(20_000);
  });

  it('cuts a batch at the 6 MB payload before its batch size: 10,000 records of 1,024 bytes go 6,144 at a time', () => {
    expect(recordsPerBatch(10_000, 1024)).toBe(6144);
    expect(recordsPerBatch(200, 1024)).toBe(200);
    // A 100 KB order: 61 records fill 6 MB.
    expect(recordsPerBatch(200, 100 * 1024)).toBe(61);
  });

  it('lets a new on-demand table take 4,000 write units a second, then twice the peak of 30 minutes ago, within the 40,000 quota', () => {
    expect(onDemandWriteCeiling({}, 0)).toBe(4000);
    expect(onDemandWriteCeiling({}, 1500)).toBe(4000);
    expect(onDemandWriteCeiling({}, 3000)).toBe(6000);
    expect(onDemandWriteCeiling({}, 30_000)).toBe(40_000);
    expect(onDemandWriteCeiling({ warmWriteUnits: 12_000 }, 0)).toBe(12_000);
    expect(onDemandWriteCeiling({ maxWriteUnits: 500 }, 0)).toBe(500);
  });

  it('limits concurrent batches to the 120,000 in-flight messages of a queue: 600 batches of 200', () => {
    expect(inFlightConcurrencyCeiling(200)).toBe(600);
    expect(inFlightConcurrencyCeiling(10)).toBe(12_000);
  });

  it('adds at most 1,000 execution environments at once and refills 100 a second', () => {
    const budget = new LambdaScalingBudget();
    expect(budget.grow(0, 5000)).toBe(1000);
    expect(budget.grow(1000, 5000)).toBe(1000);
    budget.refill(5);
    expect(budget.grow(1000, 5000)).toBe(1500);
  });

  it('slows local durations by 1,769 MB / memory and never speeds them up', () => {
    expect(lambdaCpuFactor(1769)).toBe(1);
    expect(lambdaCpuFactor(512)).toBeCloseTo(3.455, 3);
    expect(lambdaCpuFactor(4096)).toBe(1);
  });

  it('prices HTTP API requests beyond 300 million a month at the lower tier', () => {
    expect(tieredCost(100e6, PRICE_TIERS.httpApiRequests)).toBeCloseTo(100, 6);
    expect(tieredCost(400e6, PRICE_TIERS.httpApiRequests)).toBeCloseTo(300 + 90, 6);
  });

  it('gives every limit of the model a source and the date it was checked', () => {
    for (const [name, entry] of Object.entries(AWS_MODEL)) {
      expect({ name, source: entry.source.length > 10, checked: /^\d{4}-\d{2}-\d{2}$/.test(entry.checked) }).toEqual({
        name,
        source: true,
        checked: true,
      });
    }
  });
});
