import { randomUUID } from 'node:crypto';
import type { EventSourceSettings } from '../sqs-event-source';
import { LambdaApiError } from './lambda-api-error';

/** The states an SQS mapping goes through on Lambda (GetEventSourceMapping's State; Creating and Deleting never happen locally). */
export type MappingState = 'Enabling' | 'Enabled' | 'Disabling' | 'Disabled' | 'Updating';

type Batching = Pick<EventSourceSettings, 'batchSize' | 'maxBatchingWindowSeconds' | 'maxConcurrency' | 'reportBatchItemFailures'>;

/** What a mapping controls: the poller (local-runtime/sqs-event-source.ts). */
export interface MappingSource {
  readonly enabled: boolean;
  readonly batching: Batching;
  pause(): Promise<void>;
  resume(): void;
  reconfigure(changes: Partial<EventSourceSettings>): Promise<void>;
}

/** The fields of UpdateEventSourceMapping the local runtime applies; any other field is refused, not ignored. */
export interface MappingUpdate {
  readonly FunctionName?: string;
  readonly Enabled?: boolean;
  readonly BatchSize?: number;
  readonly MaximumBatchingWindowInSeconds?: number;
  readonly ScalingConfig?: { readonly MaximumConcurrency?: number };
}

/** EventSourceMappingConfiguration as Lambda returns it for an SQS mapping. */
export interface MappingConfiguration {
  readonly UUID: string;
  readonly BatchSize: number;
  readonly MaximumBatchingWindowInSeconds: number;
  readonly EventSourceArn: string;
  readonly FunctionArn: string;
  /** Epoch seconds: the JSON form of the API's `Date` type. */
  readonly LastModified: number;
  readonly State: MappingState;
  readonly StateTransitionReason: string;
  readonly FunctionResponseTypes: readonly string[];
  readonly ScalingConfig?: { readonly MaximumConcurrency: number };
  readonly EventSourceMappingArn: string;
}

// Bounds from the Lambda API reference (botocore's lambda 2015-03-31 model, checked 2026-12-07): BatchSize 1–10,000,
// MaximumBatchingWindowInSeconds 0–300, ScalingConfig.MaximumConcurrency 2–1,000; for SQS, a batch size above 10
// needs a batching window of at least 1 s (CreateEventSourceMapping, BatchSize).
const BOUNDS = {
  BatchSize: { min: 1, max: 10_000 },
  MaximumBatchingWindowInSeconds: { min: 0, max: 300 },
  MaximumConcurrency: { min: 2, max: 1_000 },
} as const;
const UPDATABLE = new Set(['UUID', 'FunctionName', 'Enabled', 'BatchSize', 'MaximumBatchingWindowInSeconds', 'ScalingConfig']);
/** Without ScalingConfig the local poller still needs a bound: Lambda's default SQS scaling (mappingConcurrency). */
const UNSET_CONCURRENCY = 1_000;

const checkWhole = (name: keyof typeof BOUNDS, value: unknown): number | undefined => {
  if (value === undefined) return undefined;
  const { min, max } = BOUNDS[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw LambdaApiError.invalidParameter(`${name} must be a whole number from ${min} to ${max}; got ${JSON.stringify(value)}.`);
  }
  return value;
};

/**
 * One event source mapping as the Lambda API sees it: a UUID, a state and the settings of its poller. Updates
 * go through the states Lambda reports (Enabled → Disabling → Disabled, Disabled → Enabling → Enabled, Updating) and
 * a mapping in a transition refuses another update with ResourceInUseException, as on AWS.
 */
export class LocalEventSourceMapping {
  readonly uuid = randomUUID();
  private state: MappingState;
  private lastModified = Date.now();
  private transition: Promise<void> | undefined;
  /** Whether the template (or an update) set ScalingConfig: Lambda leaves it out of the configuration otherwise. */
  private scalingConfigured: boolean;

  constructor(
    private readonly source: MappingSource,
    readonly functionArn: string,
    readonly eventSourceArn: string,
    scalingConfigured: boolean,
  ) {
    this.state = source.enabled ? 'Enabled' : 'Disabled';
    this.scalingConfigured = scalingConfigured;
  }

  describe(): MappingConfiguration {
    const { batchSize, maxBatchingWindowSeconds, maxConcurrency, reportBatchItemFailures } = this.source.batching;
    const [, , , region, account] = this.functionArn.split(':');
    return {
      UUID: this.uuid,
      BatchSize: batchSize,
      MaximumBatchingWindowInSeconds: maxBatchingWindowSeconds,
      EventSourceArn: this.eventSourceArn,
      FunctionArn: this.functionArn,
      LastModified: this.lastModified / 1000,
      State: this.state,
      StateTransitionReason: 'USER_INITIATED',
      FunctionResponseTypes: reportBatchItemFailures ? ['ReportBatchItemFailures'] : [],
      ...(this.scalingConfigured ? { ScalingConfig: { MaximumConcurrency: maxConcurrency } } : {}),
      EventSourceMappingArn: `arn:aws:lambda:${region}:${account}:event-source-mapping:${this.uuid}`,
    };
  }

  /** Resolves when the transition in progress (if any) has ended. */
  settled(): Promise<void> {
    return this.transition ?? Promise.resolve();
  }

  /**
   * Starts an update and answers at once with the mapping in its transitional state, as UpdateEventSourceMapping
   * does (202); the state becomes Enabled or Disabled when the poller has followed.
   */
  update(request: MappingUpdate & Record<string, unknown>, functionNameMatches: (name: string) => boolean): MappingConfiguration {
    const unsupported = Object.keys(request).filter((field) => !UPDATABLE.has(field));
    if (unsupported.length > 0) {
      throw LambdaApiError.invalidParameter(
        `The local Lambda API updates Enabled, BatchSize, MaximumBatchingWindowInSeconds and ScalingConfig.MaximumConcurrency only; ` +
          `change ${unsupported.join(', ')} in the stack (infra/) instead.`,
      );
    }
    if (request.FunctionName !== undefined && !functionNameMatches(request.FunctionName)) {
      throw LambdaApiError.invalidParameter(
        `The local runtime cannot point mapping ${this.uuid} at another function (${request.FunctionName}): change the stack instead.`,
      );
    }
    if (request.Enabled !== undefined && typeof request.Enabled !== 'boolean') {
      throw LambdaApiError.invalidParameter(`Enabled must be true or false; got ${JSON.stringify(request.Enabled)}.`);
    }
    const batchSize = checkWhole('BatchSize', request.BatchSize);
    const window = checkWhole('MaximumBatchingWindowInSeconds', request.MaximumBatchingWindowInSeconds);
    const concurrency = checkWhole('MaximumConcurrency', request.ScalingConfig?.MaximumConcurrency);
    const current = this.source.batching;
    if ((batchSize ?? current.batchSize) > 10 && (window ?? current.maxBatchingWindowSeconds) < 1) {
      throw LambdaApiError.invalidParameter(
        'Maximum batch size for SQS is 10 without a batching window: set MaximumBatchingWindowInSeconds to at least 1 for a BatchSize above 10.',
      );
    }
    if (this.transition) {
      throw LambdaApiError.inUse(
        `Event source mapping ${this.uuid} is ${this.state}: wait until it is Enabled or Disabled (GetEventSourceMapping), then retry.`,
      );
    }

    const changes: Partial<EventSourceSettings> = {
      ...(batchSize !== undefined && batchSize !== current.batchSize ? { batchSize } : {}),
      ...(window !== undefined && window !== current.maxBatchingWindowSeconds ? { maxBatchingWindowSeconds: window } : {}),
      ...(concurrency !== undefined && concurrency !== current.maxConcurrency ? { maxConcurrency: concurrency } : {}),
    };
    if (concurrency !== undefined) this.scalingConfigured = true;
    else if (request.ScalingConfig !== undefined && request.ScalingConfig.MaximumConcurrency === undefined) {
      // An empty ScalingConfig removes the limit, as on AWS.
      this.scalingConfigured = false;
      if (current.maxConcurrency !== UNSET_CONCURRENCY) Object.assign(changes, { maxConcurrency: UNSET_CONCURRENCY });
    }
    const enable = request.Enabled === undefined || request.Enabled === this.source.enabled ? undefined : request.Enabled;
    if (Object.keys(changes).length === 0 && enable === undefined) return this.describe();

    this.state = enable === true ? 'Enabling' : enable === false ? 'Disabling' : 'Updating';
    this.lastModified = Date.now();
    const applied = async () => {
      if (Object.keys(changes).length > 0) await this.source.reconfigure(changes);
      if (enable === false) await this.source.pause();
      if (enable === true) this.source.resume();
    };
    // The poller takes new settings at once (reconfigure then waits for the batch being gathered): the answer shows them.
    this.transition = applied().finally(() => {
      this.state = this.source.enabled ? 'Enabled' : 'Disabled';
      this.lastModified = Date.now();
      this.transition = undefined;
    });
    return this.describe();
  }
}
