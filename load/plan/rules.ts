import { AWS_MODEL, type AwsModel } from './aws-model';

/**
 * The scaling rules of load/plan/aws-model.ts as functions of time and settings. Pure: the steady-state analysis, the
 * spike simulation and the unit tests all call these, so a rule lives in one place.
 */

/**
 * Concurrent invokes a standard-mode SQS mapping allows `seconds` after messages appeared: 5 at once, then up to 300
 * more a minute (read as a straight line, as AWS gives no step size), at most 1,250, and at most MaximumConcurrency.
 */
export const standardPollerConcurrency = (seconds: number, maxConcurrency?: number, model: AwsModel = AWS_MODEL): number =>
  Math.min(
    Math.floor(model.standardStartInvokes.value + (model.standardRampPerMinute.value * Math.max(0, seconds)) / 60),
    model.standardMaxInvokes.value,
    maxConcurrency ?? Number.POSITIVE_INFINITY,
  );

/**
 * Concurrent invokes a provisioned-mode mapping allows `seconds` after messages appeared: its minimum pollers are
 * ready at once (10 invokes each), it adds up to 1,000 a minute, up to its maximum pollers and 20,000.
 */
export const provisionedPollerConcurrency = (
  seconds: number,
  pollers: { readonly minimum: number; readonly maximum: number },
  model: AwsModel = AWS_MODEL,
): number =>
  Math.min(
    Math.floor(pollers.minimum * model.invokesPerPoller.value + (model.provisionedRampPerMinute.value * Math.max(0, seconds)) / 60),
    pollers.maximum * model.invokesPerPoller.value,
    model.provisionedMaxConcurrency.value,
  );

/** Ceiling of a mapping's concurrency once fully ramped. */
export const mappingCeiling = (
  consumer: { readonly maxConcurrency?: number; readonly provisionedPollers?: { readonly minimum: number; readonly maximum: number } },
  model: AwsModel = AWS_MODEL,
): number =>
  consumer.provisionedPollers
    ? provisionedPollerConcurrency(Number.POSITIVE_INFINITY, consumer.provisionedPollers, model)
    : standardPollerConcurrency(Number.POSITIVE_INFINITY, consumer.maxConcurrency, model);

/**
 * Records in one invocation: the batch size, unless the records' event JSON would pass the 6 MB payload first (the
 * mapping then invokes with what fits).
 */
export const recordsPerBatch = (batchSize: number, recordEventBytes: number, model: AwsModel = AWS_MODEL): number =>
  Math.max(1, Math.min(batchSize, Math.floor(model.invokePayloadBytes.value / Math.max(1, recordEventBytes))));

/**
 * Write units a second an on-demand table takes without throttling: the larger of a new table's 4,000 (or its warm
 * throughput) and 2× the peak it held 30 minutes ago, within the table quota and its own maximum.
 */
export const onDemandWriteCeiling = (
  table: { readonly warmWriteUnits?: number; readonly maxWriteUnits?: number },
  peakWriteUnitsThirtyMinutesAgo: number,
  model: AwsModel = AWS_MODEL,
): number =>
  Math.min(
    Math.max(table.warmWriteUnits ?? model.ddbNewTableWrites.value, model.ddbPeakMultiplier.value * peakWriteUnitsThirtyMinutesAgo),
    model.ddbTableWriteQuota.value,
    table.maxWriteUnits ?? Number.POSITIVE_INFINITY,
  );

/**
 * Concurrent invokes the queue's in-flight limit allows: every record of a running batch is in flight, so about
 * 120,000 / batch records at once (a poller holding a batch during its window holds it in flight too).
 */
export const inFlightConcurrencyCeiling = (recordsInEachBatch: number, model: AwsModel = AWS_MODEL): number =>
  Math.floor(model.sqsInFlightMessages.value / Math.max(1, recordsInEachBatch));

/**
 * New execution environments a function may add: a bucket of 1,000 refilled at 1,000 per 10 s (AWS refills it
 * continuously and keeps no unused budget beyond the 1,000).
 */
export class LambdaScalingBudget {
  private tokens: number;
  private readonly capacity: number;
  private readonly perSecond: number;

  constructor(model: AwsModel = AWS_MODEL) {
    this.capacity = model.lambdaScalingPer10Seconds.value;
    this.perSecond = this.capacity / 10;
    this.tokens = this.capacity;
  }

  refill(seconds: number): void {
    this.tokens = Math.min(this.capacity, this.tokens + this.perSecond * seconds);
  }

  /** Grows from `environments` toward `wanted` as far as the budget allows; returns the environments after. */
  grow(environments: number, wanted: number): number {
    const added = Math.max(0, Math.min(wanted - environments, Math.floor(this.tokens)));
    this.tokens -= added;
    return environments + added;
  }
}

/**
 * How much slower (> 1) or faster (< 1) a duration measured on one local core runs on Lambda at `memoryMb`: Lambda's
 * CPU is proportional to memory (1,769 MB = 1 vCPU) and a Node handler uses one thread, so above 1,769 MB it runs no
 * faster than the local core. This treats all measured time as CPU time, which overstates the slowdown for time spent
 * waiting on the network; the planner errs to the slow side.
 */
export const lambdaCpuFactor = (memoryMb: number, model: AwsModel = AWS_MODEL): number =>
  Math.max(1, model.megabytesPerVcpu.value / memoryMb);
