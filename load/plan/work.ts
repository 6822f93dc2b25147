import type { DeployedStage } from './deployed-stage';
import { lambdaCpuFactor } from './rules';

/** What one order costs the pipeline in work, measured on the local runtime (see calibration.ts). */
export interface MeasuredWork {
  /** The commit the measurement ran on, and when. */
  readonly commit: string;
  readonly measuredAt: string;
  readonly orders: number;
  readonly ordersPerSecond: number;
  /** Consumer handler time per invocation ≈ fixedMs + perRecordMs × records (least squares over the run's batches). */
  readonly consumer: {
    readonly fixedMs: number;
    readonly perRecordMs: number;
    readonly batches: number;
    /** Local runtime only (median): from the handler's end to the batch counted done; the model adds it in local mode. */
    readonly localInvokeOverheadMs: number;
    /** Local runtime only (median): one ReceiveMessage on the local SQS; its poller's gather is the window plus two. */
    readonly localReceiveMs: number;
    readonly logBytesPerInvocation: number;
  };
  readonly api: { readonly msPerRequest: number; readonly logBytesPerRequest: number };
  readonly writeUnitsPerOrder: number;
  readonly readUnitsPerOrder: number;
  readonly sqsRequestsPerOrder: number;
  /** JSON bytes of one SQS record in the consumer's event (body and envelope), for the 6 MB cut. */
  readonly recordEventBytes: number;
  /** What the local run saw, for --calibrate's comparison. */
  readonly observed: {
    readonly consumerInvocationsPer1000: number;
    readonly acceptedToStoredP50Ms: number;
    readonly acceptedToStoredP99Ms: number;
  };
}

/** The measured work as one stage's functions would do it on Lambda. */
export interface StageWork {
  readonly apiSecondsPerRequest: number;
  readonly consumerSeconds: (records: number) => number;
  readonly writeUnitsPerOrder: number;
  readonly recordEventBytes: number;
  /** Time a poller's gather takes beyond the batching window (the local poller's receives; 0 on AWS, not published). */
  readonly gatherOverheadSeconds: number;
  /** The factors applied to the local durations (1: none). */
  readonly cpuFactors: { readonly api: number; readonly consumer: number };
}

/**
 * Scales local durations to the stage's memory (Lambda's CPU share, see lambdaCpuFactor). `local: true` keeps them as
 * measured: the model then describes the local runtime, which is what --calibrate compares with.
 */
export const stageWork = (measured: MeasuredWork, stage: DeployedStage, { local = false } = {}): StageWork => {
  const api = local ? 1 : lambdaCpuFactor(stage.api.memoryMb);
  const consumer = local ? 1 : lambdaCpuFactor(stage.consumer.memoryMb);
  return {
    apiSecondsPerRequest: (measured.api.msPerRequest * api) / 1000,
    consumerSeconds: (records) =>
      ((measured.consumer.fixedMs + measured.consumer.perRecordMs * records) * consumer +
        (local ? measured.consumer.localInvokeOverheadMs : 0)) /
      1000,
    writeUnitsPerOrder: measured.writeUnitsPerOrder,
    recordEventBytes: measured.recordEventBytes,
    gatherOverheadSeconds: local ? (2 * (measured.consumer.localReceiveMs ?? 0)) / 1000 : 0,
    cpuFactors: { api, consumer },
  };
};

/** Least-squares line through (x, y) points; a flat line through the mean when x does not vary. */
export const fitLine = (points: readonly { readonly x: number; readonly y: number }[]): { intercept: number; slope: number } => {
  const n = points.length;
  if (n === 0) return { intercept: 0, slope: 0 };
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / n;
  const sxx = points.reduce((sum, p) => sum + (p.x - meanX) ** 2, 0);
  if (sxx === 0) return { intercept: meanY, slope: 0 };
  const slope = points.reduce((sum, p) => sum + (p.x - meanX) * (p.y - meanY), 0) / sxx;
  // A negative per-record cost is noise on a short run: keep the line's mean, drop the slope.
  if (slope < 0) return { intercept: meanY, slope: 0 };
  return { intercept: Math.max(0, meanY - slope * meanX), slope };
};
