import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Queue, QueueEncryption, RedrivePermission } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface QueueWithDeadLetterProps {
  /** Consumer timeout and batching window set the visibility timeout (AWS: ≥ 6 × timeout + window). */
  readonly consumerTimeout: Duration;
  readonly maxBatchingWindow: Duration;
  readonly maxReceiveCount: number;
  readonly removalPolicy: RemovalPolicy;
}

/** 14 days, the SQS maximum: operators get two weeks to fix a bug before redriving. */
export const DEAD_LETTER_RETENTION = Duration.days(14);

/**
 * A queue that always comes with its DLQ, SSE, TLS-only access and a visibility timeout that a
 * retrying consumer cannot outlive (so a slow invocation never lets a second one take its records).
 */
export class QueueWithDeadLetter extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  static visibilityTimeoutFor(consumerTimeout: Duration, maxBatchingWindow: Duration): Duration {
    return Duration.seconds(6 * consumerTimeout.toSeconds() + maxBatchingWindow.toSeconds());
  }

  constructor(scope: Construct, id: string, props: QueueWithDeadLetterProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      retentionPeriod: DEAD_LETTER_RETENTION,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: props.removalPolicy,
      // Says in the template that this queue is a DLQ (Control Tower's CT.SQS.PR.1 looks for it). ALLOW_ALL is SQS's
      // own default; naming the source queue instead would make the two queues reference each other (a cycle).
      redriveAllowPolicy: { redrivePermission: RedrivePermission.ALLOW_ALL },
    });
    this.queue = new Queue(this, 'Queue', {
      visibilityTimeout: QueueWithDeadLetter.visibilityTimeoutFor(props.consumerTimeout, props.maxBatchingWindow),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: props.removalPolicy,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
    });
  }
}
