import { US_EAST_1_PRICES } from './cost-model';
import { type LatencySummary, summarizeLatencies } from './percentiles';

/**
 * Lambda allocates CPU in proportion to memory; at 1,769 MB a function has the equivalent of one vCPU (AWS Lambda
 * Developer Guide, "Configure Lambda function memory", docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html,
 * checked 2026-12-07). Node runs a handler on one thread, so memory above this buys it no speed.
 */
export const ONE_VCPU_MB = 1769;

/** The memories the sweep models by default: Lambda's range starts at 128 MB; 3,008 MB was its long-time default ceiling. */
export const DEFAULT_SWEEP_MEMORIES_MB: readonly number[] = [128, 256, 512, 768, 1024, 1536, 1769, 2048, 3008];

/** Wall-clock and CPU time (user + system) of one phase (an INIT or an invocation), measured in its environment. */
export interface MeasuredPhase {
  readonly durationMs: number;
  readonly cpuMs: number;
}

/** What one function did in the measured run: each invocation that answered and each INIT, on one local core. */
export interface FunctionPhases {
  readonly functionName: string;
  /** The memory the local pipeline (the dev stage) ran it at: the template's MemorySize. */
  readonly memorySizeMb: number;
  /** An event-source function (the consumer): its bound is a batch's, not a client's request. */
  readonly batch: boolean;
  readonly invocations: readonly MeasuredPhase[];
  readonly inits: readonly MeasuredPhase[];
}

/** The share of one vCPU a function gets at this memory (1 at 1,769 MB and above, for a single-threaded handler). */
export const cpuShareAt = (memoryMb: number): number => Math.min(1, memoryMb / ONE_VCPU_MB);

/**
 * A phase's duration at `memoryMb`: its CPU time stretched by the CPU share, plus its waiting (wall − CPU), which
 * memory does not change. CPU above the wall time (other threads: GC helpers, libuv's pool) counts as serial work.
 */
export const modelledDurationMs = (phase: MeasuredPhase, memoryMb: number): number =>
  phase.cpuMs / cpuShareAt(memoryMb) + Math.max(0, phase.durationMs - phase.cpuMs);

/** Lambda bills duration (INIT included, since 2025-08-01) rounded up to the millisecond, times memory in GB. */
export const billedGbSeconds = (durationMs: number, memoryMb: number): number => (Math.ceil(durationMs) / 1000) * (memoryMb / 1024);

export interface MemoryPoint {
  readonly memoryMb: number;
  readonly invocationMs: LatencySummary;
  /** INIT of a cold start; `max` is the worst cold start of the run. */
  readonly initMs: LatencySummary;
  /** Lambda duration (handler + INIT GB-s) at arm64's price, per million orders; requests cost the same at every memory. */
  readonly costPerMillionOrders: number;
}

export interface FunctionSweep {
  readonly logicalId: string;
  readonly functionName: string;
  readonly currentMemoryMb: number;
  readonly batch: boolean;
  readonly invocations: number;
  readonly inits: number;
  /** Of all measured handler time, the share that was CPU (the part memory speeds up). */
  readonly cpuShareOfHandlerTime: number;
  readonly points: readonly MemoryPoint[];
}

/** Models one function at every memory; `orders` is how many orders the measured run stored (the cost's denominator). */
export const sweepFunction = (
  logicalId: string,
  phases: FunctionPhases,
  memoriesMb: readonly number[],
  orders: number,
  pricePerGbSecond: number = US_EAST_1_PRICES.lambdaArmGbSecond,
): FunctionSweep => {
  const wall = phases.invocations.reduce((sum, phase) => sum + phase.durationMs, 0);
  const cpu = phases.invocations.reduce((sum, phase) => sum + Math.min(phase.cpuMs, phase.durationMs), 0);
  return {
    logicalId,
    functionName: phases.functionName,
    currentMemoryMb: phases.memorySizeMb,
    batch: phases.batch,
    invocations: phases.invocations.length,
    inits: phases.inits.length,
    cpuShareOfHandlerTime: wall === 0 ? 0 : cpu / wall,
    points: memoriesMb.map((memoryMb) => {
      const invocationMs = phases.invocations.map((phase) => modelledDurationMs(phase, memoryMb));
      const initMs = phases.inits.map((phase) => modelledDurationMs(phase, memoryMb));
      const gbSeconds = [...invocationMs, ...initMs].reduce((sum, ms) => sum + billedGbSeconds(ms, memoryMb), 0);
      return {
        memoryMb,
        invocationMs: summarizeLatencies(invocationMs),
        initMs: summarizeLatencies(initMs),
        costPerMillionOrders: orders === 0 ? 0 : (gbSeconds * pricePerGbSecond * 1e6) / orders,
      };
    }),
  };
};

/** The latency a memory must meet: a client's request (or a batch's) at p99, and the worst cold start's INIT. */
export interface LatencyBounds {
  readonly requestP99Ms: number;
  readonly batchP99Ms: number;
  readonly initMs: number;
}

export const meetsBounds = (sweep: FunctionSweep, point: MemoryPoint, bounds: LatencyBounds): boolean =>
  point.invocationMs.p99 <= (sweep.batch ? bounds.batchP99Ms : bounds.requestP99Ms) && point.initMs.max <= bounds.initMs;

/** The cheapest memory that meets the bounds (the smaller memory on a tie); undefined when none does. */
export const cheapestMeetingBounds = (sweep: FunctionSweep, bounds: LatencyBounds): MemoryPoint | undefined =>
  sweep.points
    .filter((point) => meetsBounds(sweep, point, bounds))
    .sort((a, b) => a.costPerMillionOrders - b.costPerMillionOrders || a.memoryMb - b.memoryMb)[0];
