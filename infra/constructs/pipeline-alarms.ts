import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Effect, PolicyStatement, StarPrincipal } from 'aws-cdk-lib/aws-iam';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface PipelineAlarmsProps {
  readonly stageName: string;
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
  /** Alarm when the DLQ holds at least this many visible messages. */
  readonly deadLetterMessages: number;
  /** Alarm when the oldest message on the main queue is older than this. */
  readonly oldestMessageAge: Duration;
  /** Subscribed to the alarm topic by e-mail (AWS sends a confirmation mail first). */
  readonly notificationEmail?: string;
}

// SQS publishes queue metrics every minute; one datapoint is enough to act on a dead letter.
const PERIOD = Duration.minutes(1);

/**
 * The two signals an operator must act on: orders parked in the DLQ (they will never be stored
 * without a redrive), and a main queue that is not draining (orders are delayed). Both notify one
 * SNS topic, on alarm and on recovery.
 */
export class PipelineAlarms extends Construct {
  readonly topic: Topic;
  readonly deadLetterAlarm: Alarm;
  readonly oldestMessageAlarm: Alarm;

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { displayName: `orders-pipeline ${props.stageName} alarms` });
    // Topic's enforceSSL denies only sns:Publish over plain HTTP; subscribing, reading or changing the topic must not
    // work without TLS either.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'DenyAllWithoutTLS',
        effect: Effect.DENY,
        principals: [new StarPrincipal()],
        actions: ['sns:*'],
        resources: [this.topic.topicArn],
        conditions: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    if (props.notificationEmail) this.topic.addSubscription(new EmailSubscription(props.notificationEmail));

    this.deadLetterAlarm = new Alarm(this, 'DeadLetterMessages', {
      alarmDescription:
        `orders-pipeline ${props.stageName}: orders are in the DLQ and will not be stored until redriven. ` +
        `Inspect with "npm run dlq -- inspect --stage ${props.stageName}", fix the cause, then "npm run dlq -- redrive --stage ${props.stageName}".`,
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
      threshold: props.deadLetterMessages,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    this.oldestMessageAlarm = new Alarm(this, 'OldestMessageAge', {
      alarmDescription:
        `orders-pipeline ${props.stageName}: the order queue is not draining (oldest message older than ` +
        `${props.oldestMessageAge.toMinutes()} min). Check the consumer's errors and throttles, and DynamoDB throttling.`,
      metric: props.queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum' }),
      threshold: props.oldestMessageAge.toSeconds(),
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    const notify = new SnsAction(this.topic);
    for (const alarm of [this.deadLetterAlarm, this.oldestMessageAlarm]) {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
    }
  }
}
