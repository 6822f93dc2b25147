import {
  type BenchReport,
  LATENCY_SETTING,
  LATENCY_TARGETS_MS,
  type Throughput,
  WARM_INVOKE_TARGET_P50_MS,
  runBench,
} from '../../load/bench';
import { FLOOR_CLIENTS, INIT_TARGETS_MS } from '../../load/lib/init-floor';

/** runBench's smallest scale: every phase does its floor of 100 operations (`--quick` is 0.2, a full run 1). */
const SCALE = 0.01;
const OPERATIONS = 100;

const throughputsOf = (report: BenchReport): Record<string, Throughput> => ({
  'floors.sendMessage': report.floors.sendMessage,
  'floors.sendMessageBatch': report.floors.sendMessageBatch,
  'floors.batchWriteItem': report.floors.batchWriteItem,
  'intake.single': report.intake.single,
  'intake.batch': report.intake.batch,
  'intake.handlerCeiling': report.intake.handlerCeiling,
  'consumer.ours': report.consumer.ours,
  'consumer.emulatorCeiling': report.consumer.emulatorCeiling,
  'consumer.naive': report.consumer.naive,
});

const mapValues = <T, U>(record: Record<string, T>, f: (value: T) => U): Record<string, U> =>
  Object.fromEntries(Object.entries(record).map(([key, value]) => [key, f(value)]));

// One run measured once (30 s to a minute); each test below checks one property of its report.
describe('runBench (smallest scale)', () => {
  let report: BenchReport;

  beforeAll(async () => {
    report = await runBench(() => undefined, SCALE);
  }, 180_000);

  it('finishes every operation of every throughput phase (intake counts only what the API accepted)', () => {
    expect(mapValues(throughputsOf(report), (t) => t.count)).toEqual(mapValues(throughputsOf(report), () => OPERATIONS));
  });

  it('states each rate as its count over its own measured time', () => {
    // seconds is rounded to 10 ms and perSecond to a whole number, both from the unrounded time.
    const off = Object.entries(throughputsOf(report)).filter(([, { count, seconds, perSecond }]) => {
      if (!(seconds > 0)) return true;
      const fastest = count / Math.max(0.001, seconds - 0.005) + 0.5;
      const slowest = count / (seconds + 0.005) - 0.5;
      return perSecond > fastest || perSecond < slowest;
    });

    expect(off).toEqual([]);
  });

  it('derives every ratio from the two rates it compares', () => {
    const ratio = (a: Throughput, b: Throughput) => Math.round((a.perSecond / b.perSecond) * 100) / 100;
    const { floors, intake, consumer } = report;

    expect(report.ratios).toEqual({
      singleIntakeVsSendMessage: ratio(intake.single, floors.sendMessage),
      singleIntakeVsHandlerCeiling: ratio(intake.single, intake.handlerCeiling),
      batchIntakeVsSendMessageBatch: ratio(intake.batch, floors.sendMessageBatch),
      consumerVsBatchWriteItem: ratio(consumer.ours, floors.batchWriteItem),
      consumerVsEmulatorCeiling: ratio(consumer.ours, consumer.emulatorCeiling),
      consumerVsNaive: ratio(consumer.ours, consumer.naive),
    });
  });

  it('measures accept → stored once for every paced order, at the stated consumer setting, against its targets', () => {
    const { samples, p50Ms, p99Ms, ...setting } = report.latency;

    expect(setting).toEqual({ ...LATENCY_SETTING, targetMs: LATENCY_TARGETS_MS });
    expect(samples).toBe(OPERATIONS);
    expect(p50Ms).toBeGreaterThan(0);
    expect(p99Ms).toBeGreaterThanOrEqual(p50Ms);
  });

  it('times every warm invoke of the empty handler', () => {
    const { invokes, p50Ms, p99Ms, targetP50Ms } = report.warmInvoke;

    expect({ invokes, targetP50Ms }).toEqual({ invokes: OPERATIONS, targetP50Ms: WARM_INVOKE_TARGET_P50_MS });
    expect(p50Ms).toBeGreaterThan(0);
    expect(p99Ms).toBeGreaterThanOrEqual(p50Ms);
  });

  it('sizes and times every function bundle, each smaller than the layer that carries their shared code', () => {
    expect(report.bundles.map((bundle) => bundle.function).sort()).toEqual([
      'ApiFunction',
      'ConsumerFunction',
      'OpenApiFunction',
      'OrderStatusFunction',
    ]);
    for (const { bundleBytes, initMs } of report.bundles) {
      expect(bundleBytes).toBeGreaterThan(0);
      expect(bundleBytes).toBeLessThan(report.layerBytes);
      expect(initMs).toBeGreaterThan(0);
    }
  });

  it("times every function's module init beside its floor, the ratio being init over floor, with issue 27's targets", () => {
    expect(report.moduleInit.map((m) => m.function).sort()).toEqual(report.bundles.map((bundle) => bundle.function).sort());
    for (const m of report.moduleInit) {
      expect(m.initMs).toBe(report.bundles.find((bundle) => bundle.function === m.function)?.initMs);
      expect(m.floorClients).toEqual(FLOOR_CLIENTS[m.function]);
      expect(m.floorMs).toBeGreaterThan(0);
      expect(m.ratio).toBe(Math.round((m.initMs / m.floorMs) * 100) / 100);
      expect({ targetMs: m.targetMs, targetRatio: m.targetRatio }).toEqual({ targetMs: INIT_TARGETS_MS[m.function], targetRatio: 2 });
    }
  });

  it('reports an elapsed time that holds every timed phase', () => {
    const timed = Object.values(throughputsOf(report)).reduce((sum, { seconds }) => sum + seconds, 0);
    // The run is rounded to 100 ms, each phase to 10 ms.
    const rounding = 0.05 + Object.keys(throughputsOf(report)).length * 0.005;

    expect(timed).toBeLessThanOrEqual(report.seconds + rounding);
  });
});
