import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import type { StageConfig } from '../../config/stages';
import { QueueWithDeadLetter } from '../../constructs/queue-with-dead-letter';

/** What the rehearsal read back from the emulator about the resources a stage's smoke checks cover. */
export interface DescribedStack {
  readonly queue: {
    readonly visibilityTimeoutSeconds: number;
    readonly redrivePolicy?: { readonly deadLetterTargetArn: string; readonly maxReceiveCount: number };
  };
  readonly deadLetterQueueArn: string;
  readonly ordersTable: {
    readonly keySchema: readonly { readonly AttributeName: string; readonly KeyType: string }[];
    readonly billingMode?: string;
  };
  readonly consumer: {
    readonly runtime?: string;
    readonly memorySizeMb?: number;
    readonly timeoutSeconds?: number;
    readonly architectures?: readonly string[];
    readonly codeSizeBytes?: number;
  };
  /** The consumer's Architectures as the template sets it: moto's CloudFormation does not apply it. */
  readonly consumerTemplateArchitectures?: readonly string[];
  /** Size of the object published at the consumer's Code S3 location (undefined when none was). */
  readonly consumerAssetBytes?: number;
  readonly eventSourceMapping: {
    readonly batchSize?: number;
    readonly maximumBatchingWindowInSeconds?: number;
    readonly maximumConcurrency?: number;
  };
}

export interface SmokeFinding {
  readonly name: string;
  readonly expected: string;
  readonly created: string;
  /**
   * ok: created as configured. differs: not as configured. unmodelled: moto returned the AWS default for a
   * property it does not apply, and the template sets it as configured (checked in the template only).
   */
  readonly status: 'ok' | 'differs' | 'unmodelled';
}

/** The orders table's design, fixed in the stack rather than per stage. */
export const ORDERS_TABLE_KEYS = 'PK HASH, SK RANGE';
export const ORDERS_TABLE_BILLING = 'PAY_PER_REQUEST';
/** The PipelineFunction defaults every stage shares. */
export const CONSUMER_RUNTIME = Runtime.NODEJS_22_X.name;
export const CONSUMER_ARCHITECTURE = Architecture.ARM_64.name;
/** What Lambda reports for a function created without Architectures. */
const DEFAULT_ARCHITECTURE = Architecture.X86_64.name;

const show = (value: unknown): string => (value === undefined ? 'nothing' : String(value));

const compare = (name: string, expected: unknown, created: unknown): SmokeFinding => ({
  name,
  expected: show(expected),
  created: show(created),
  status: show(expected) === show(created) ? 'ok' : 'differs',
});

/**
 * A property moto may not apply: when it reports the AWS default and the template asks for the configured
 * value, the difference is moto's, not the stack's.
 */
const compareMaybeUnmodelled = (name: string, expected: string, created: string | undefined, awsDefault: string, inTemplate?: string) => {
  const finding = compare(name, expected, created);
  if (finding.status === 'differs' && created === awsDefault && inTemplate === expected) {
    return { ...finding, created: `${show(created)} (moto's default; the template sets ${inTemplate})`, status: 'unmodelled' as const };
  }
  return finding;
};

/** Compares what the emulator created with what the stage config says it should be, one finding per setting. */
export const smokeFindings = (config: StageConfig, described: DescribedStack): SmokeFinding[] => {
  const { queue, ordersTable, consumer, eventSourceMapping: esm } = described;
  const visibility = QueueWithDeadLetter.visibilityTimeoutFor(config.consumer.timeout, config.consumer.maxBatchingWindow).toSeconds();
  const keys = ordersTable.keySchema.map((key) => `${key.AttributeName} ${key.KeyType}`).join(', ');
  return [
    compare('queue redrive target', described.deadLetterQueueArn, queue.redrivePolicy?.deadLetterTargetArn),
    compare('queue maxReceiveCount', config.maxReceiveCount, queue.redrivePolicy?.maxReceiveCount),
    compare('queue visibility timeout (s)', visibility, queue.visibilityTimeoutSeconds),
    compare('orders table keys', ORDERS_TABLE_KEYS, keys),
    compare('orders table billing', ORDERS_TABLE_BILLING, ordersTable.billingMode),
    compare('consumer runtime', CONSUMER_RUNTIME, consumer.runtime),
    compare('consumer memory (MB)', config.consumer.memorySizeMb, consumer.memorySizeMb),
    compare('consumer timeout (s)', config.consumer.timeout.toSeconds(), consumer.timeoutSeconds),
    compareMaybeUnmodelled(
      'consumer architecture',
      CONSUMER_ARCHITECTURE,
      consumer.architectures?.join(','),
      DEFAULT_ARCHITECTURE,
      described.consumerTemplateArchitectures?.join(','),
    ),
    // moto reads the code from the bootstrap bucket at the template's S3 location: equal sizes prove the template
    // points at what the asset manifest published.
    compare('consumer code (bytes)', described.consumerAssetBytes, consumer.codeSizeBytes),
    compare('event source batch size', config.consumer.batchSize, esm.batchSize),
    compare('event source batching window (s)', config.consumer.maxBatchingWindow.toSeconds(), esm.maximumBatchingWindowInSeconds),
    // In provisioned mode the mapping has no MaximumConcurrency (AWS refuses both).
    compare(
      'event source max concurrency',
      config.consumer.provisionedPollers ? undefined : config.consumer.maxConcurrency,
      esm.maximumConcurrency,
    ),
  ];
};

/** "consumer memory (MB): expected 512, created 256" */
export const describeFinding = (finding: SmokeFinding): string =>
  `${finding.name}: expected ${finding.expected}, created ${finding.created}`;
