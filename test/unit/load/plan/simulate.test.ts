import { type DeployedStage, deployedStageOf } from '../../../../load/plan/deployed-stage';
import { failedRecordVisibleAfterSeconds, simulate, spikeProfile } from '../../../../load/plan/simulate';
import type { StageWork } from '../../../../load/plan/work';
import { stageSnapshot } from '../../../support/validate-check';

/** Hand-set work: 50 ms + 2 ms a record per batch, 100 ms per API request, 1 write unit per order. */
const WORK: StageWork = {
  apiSecondsPerRequest: 0.1,
  consumerSeconds: (records) => (50 + 2 * records) / 1000,
  writeUnitsPerOrder: 1,
  recordEventBytes: 1500,
  gatherOverheadSeconds: 0,
  cpuFactors: { api: 1, consumer: 1 },
};

const steady = (ordersPerSecond: number, seconds: number) => ({
  description: 'steady',
  segments: [{ atSecond: 0, ordersPerSecond }],
  endSecond: seconds,
});

describe('load/plan/simulate', () => {
  const prod = deployedStageOf('prod', stageSnapshot('prod'));

  it('reads the settings the planner needs from the prod template', () => {
    expect(prod.consumer).toMatchObject({
      batchSize: 200,
      batchingWindowSeconds: 5,
      maxConcurrency: 20,
      memoryMb: 512,
      timeoutSeconds: 60,
    });
    expect(prod.queue).toEqual({ visibilityTimeoutSeconds: 365, maxReceiveCount: 5 });
    expect(prod.alarms.map((alarm) => alarm.watches).sort()).toEqual(
      [
        'api-5xx-rate',
        'consumer-errors',
        'consumer-throttles',
        'dlq-visible',
        'oldest-message-age',
        'table-throttles',
        // One per function's live alias (issue 29): a deployment's new version, which the model does not run.
        ...Array(4).fill('new-version-errors'),
      ].sort(),
    );
  });

  it('replays the same run from the same seed', () => {
    const run = (seed: number) => simulate({ stage: prod, work: WORK, profile: steady(100, 30), ordersPerRequest: 1, seed });
    const { samples: first, ...a } = run(7);
    const { samples: second, ...b } = run(7);
    expect(b).toEqual(a);
    expect(second).toEqual(first);
  });

  it('stores every accepted order once when the stage keeps up', () => {
    const result = simulate({ stage: prod, work: WORK, profile: spikeProfile(20, 10, 1), ordersPerRequest: 1, seed: 1 });
    expect(result.stored).toBe(result.accepted);
    expect(result.deadLettered).toBe(0);
    expect(result.throttled).toBe(0);
  });

  it('moves valid orders to the DLQ when a consumer without a hold-back schedule is throttled longer than maxReceiveCount × the visibility timeout', () => {
    // A table capped at 5 write units a second under 50 orders/s for a minute: most batches time out unwritten.
    const throttled: DeployedStage = {
      ...prod,
      consumer: { ...prod.consumer, timeoutSeconds: 5, redeliveryBackoff: undefined },
      queue: { visibilityTimeoutSeconds: 10, maxReceiveCount: 2 },
      tables: [{ ...prod.tables[0], maxWriteUnits: 5 }],
    };
    const result = simulate({
      stage: throttled,
      work: WORK,
      profile: steady(50, 60),
      ordersPerRequest: 1,
      seed: 3,
      drainLimitSeconds: 600,
    });
    expect(result.writeThrottles).toBeGreaterThan(0);
    expect(result.deadLettered).toBeGreaterThan(0);
    expect(result.stored + result.deadLettered).toBe(result.accepted);
    const dlqAlarm = result.alarms.find((alarm) => alarm.watches === 'dlq-visible');
    expect(dlqAlarm?.firstFiredAt).toBeDefined();
  });

  it("makes a failed record visible again after the consumer's hold-back for its receive count, read from the template", () => {
    // prod outlasts a 1 h storm with 5 receives: 240, 480, 960, 1,920 s (docs/design.md, "Throttle storms").
    expect(prod.consumer.redeliveryBackoff).toEqual({ firstDelaySeconds: 240 });
    expect(failedRecordVisibleAfterSeconds(prod, 1)).toBe(240);
    expect(failedRecordVisibleAfterSeconds(prod, 4)).toBe(1_920);
  });

  it('makes a failed record visible again after the visibility timeout when the consumer has no hold-back schedule', () => {
    const withoutHoldBack: DeployedStage = { ...prod, consumer: { ...prod.consumer, redeliveryBackoff: undefined } };
    expect(failedRecordVisibleAfterSeconds(withoutHoldBack, 1)).toBe(365);
    expect(failedRecordVisibleAfterSeconds(withoutHoldBack, 4)).toBe(365);
  });

  it('queues a spike beyond the consumer and fires the oldest-message alarm', () => {
    const slow: DeployedStage = { ...prod, consumer: { ...prod.consumer, maxConcurrency: 2 } };
    // Two invokes of 200 records at 450 ms each hold about 890 orders/s: 2,000 orders/s for 10 minutes piles up.
    const result = simulate({ stage: slow, work: WORK, profile: spikeProfile(200, 10, 10), ordersPerRequest: 1, seed: 5 });
    expect(result.peakQueued).toBeGreaterThan(100_000);
    expect(result.peakConcurrency).toBe(2);
    const ageAlarm = result.alarms.find((alarm) => alarm.watches === 'oldest-message-age');
    expect(ageAlarm?.firstFiredAt).toBeGreaterThan(60);
    expect(result.drainSeconds).toBeGreaterThan(0);
  });

  it('drains a sudden spike sooner in provisioned mode than on the standard ramp', () => {
    // 20,000 orders/s of 200-record batches at 450 ms each need about 45 invokes, and a table warm enough for them.
    const unbounded: DeployedStage = {
      ...prod,
      api: { ...prod.api, throttleRate: 50_000, throttleBurst: 50_000 },
      consumer: { ...prod.consumer, maxConcurrency: undefined, batchingWindowSeconds: 1 },
      tables: [{ ...prod.tables[0], warmWriteUnits: 40_000 }],
    };
    const provisioned: DeployedStage = {
      ...unbounded,
      consumer: { ...unbounded.consumer, provisionedPollers: { minimum: 10, maximum: 200 } },
    };
    const profile = { description: 'a wall', segments: [{ atSecond: 0, ordersPerSecond: 20_000 }], endSecond: 60 };
    const options = { work: WORK, profile, ordersPerRequest: 1, seed: 9, accountConcurrency: 5000, stepSeconds: 0.2 };
    const standard = simulate({ ...options, stage: unbounded });
    const fast = simulate({ ...options, stage: provisioned });
    expect(fast.peakQueued).toBeLessThan(standard.peakQueued);
    expect(fast.acceptedToStoredMs.p99).toBeLessThan(standard.acceptedToStoredMs.p99);
  });

  it('keeps every order out of the DLQ through a 10-minute throttle storm on prod and fires the table-throttle alarm', () => {
    const result = simulate({
      stage: prod,
      work: WORK,
      profile: spikeProfile(20, 1, 10),
      ordersPerRequest: 1,
      seed: 4,
      tableOutage: { fromSecond: 60, toSecond: 660 },
    });
    expect(result.deadLettered).toBe(0);
    expect(result.stored).toBe(result.accepted);
    expect(result.alarms.find((alarm) => alarm.watches === 'table-throttles')?.firstFiredAt).toBe(600);
    // Nothing is stored while the table refuses every write.
    expect(result.samples.slice(70, 650).every((second) => second.stored === 0)).toBe(true);
  });
});
