import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, type IMetric, MathExpression, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, StarPrincipal } from 'aws-cdk-lib/aws-iam';
import type { Alias, IFunction } from 'aws-cdk-lib/aws-lambda';
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
/** Errors, throttles and 5xx are counted over 5 minutes: long enough to tell a pattern from a blip. */
const RATE_PERIOD = Duration.minutes(5);

/** Where each alarm's runbook section is (docs/operations.md in this repository); the anchor is the heading's. */
export const RUNBOOK = 'docs/operations.md';
export const runbookLink = (anchor: string): string => `Runbook: ${RUNBOOK}#${anchor} (orders-pipeline repository).`;
/** For the alarms whose cause can burn every order in flight into the DLQ: pause the consumer first. */
export const stopTheBleeding = (stageName: string): string =>
  ` If orders keep failing, pause the consumer first so that they wait in the queue: "npm run consumer -- pause --stage ${stageName}" ` +
  `(${RUNBOOK}#stop-the-bleeding).`;

export interface ConsumerAlarmThresholds {
  /** Failed invocations in 5 minutes. */
  readonly errors: number;
  /** Throttled invocations in 5 minutes. */
  readonly throttles: number;
}

export interface ServerErrorRateThreshold {
  readonly percent: number;
  /** Below this many requests in the period the rate counts as 0: one failed request at night is not an outage. */
  readonly minimumRequests: number;
}

/**
 * The Errors of one version invoked through the alias (dimensions FunctionName, Resource `<name>:live` and
 * ExecutedVersion): during a shift, the new version's own failures, undiluted by the old version's traffic. AWS Lambda
 * Developer Guide, "Types of metrics for Lambda functions" / "Viewing metrics": the ExecutedVersion dimension compares
 * the versions behind a weighted alias (checked 2026-12-07).
 */
const newVersionErrors = (alias: Alias): Metric =>
  new Metric({
    namespace: 'AWS/Lambda',
    metricName: 'Errors',
    dimensionsMap: {
      FunctionName: alias.version.lambda.functionName,
      Resource: `${alias.version.lambda.functionName}:${alias.aliasName}`,
      ExecutedVersion: alias.version.version,
    },
    statistic: 'Sum',
    period: Duration.minutes(1),
  });

/**
 * The signals an operator must act on, all notifying one SNS topic on alarm and on recovery. Built with the queues:
 * orders parked in the DLQ (never stored without a redrive) and a main queue that is not draining (orders are
 * delayed). Added by PipelineObservability: the causes behind those two (consumer errors and throttles, DynamoDB
 * throttling) and the API failing its callers (5xx rate).
 */
export class PipelineAlarms extends Construct {
  readonly topic: Topic;
  readonly deadLetterAlarm: Alarm;
  readonly oldestMessageAlarm: Alarm;
  private readonly stageName: string;
  private readonly alarmList: Alarm[] = [];

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    this.stageName = props.stageName;
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
        `Inspect with "npm run dlq -- inspect --stage ${props.stageName}", fix the cause, then "npm run dlq -- redrive --stage ${props.stageName}". ` +
        runbookLink('alarm-dlq-messages') +
        stopTheBleeding(props.stageName),
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
      threshold: props.deadLetterMessages,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    this.oldestMessageAlarm = new Alarm(this, 'OldestMessageAge', {
      alarmDescription:
        `orders-pipeline ${props.stageName}: the order queue is not draining (oldest message older than ` +
        `${props.oldestMessageAge.toMinutes()} min). Check the consumer's errors and throttles, and DynamoDB throttling. ` +
        runbookLink('alarm-oldest-queued-order'),
      metric: props.queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum' }),
      threshold: props.oldestMessageAge.toSeconds(),
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    this.notify(this.deadLetterAlarm);
    this.notify(this.oldestMessageAlarm);
  }

  /** Every alarm of the stage, in the order they were made (the dashboard shows their state). */
  get alarms(): readonly Alarm[] {
    return [...this.alarmList];
  }

  /** Consumer invocations that crashed, timed out or were throttled: whole batches going back to the queue. */
  alarmOnConsumer(consumer: IFunction, thresholds: ConsumerAlarmThresholds): { errors: Alarm; throttles: Alarm } {
    const errors = new Alarm(this, 'ConsumerErrors', {
      alarmDescription:
        `orders-pipeline ${this.stageName}: the consumer failed ${thresholds.errors}+ invocations in 5 min (crash, timeout or ` +
        'unhandled error; unstored records alone are not errors). Their batches come back after the visibility timeout ' +
        'and reach the DLQ after maxReceiveCount. Run the saved query "failures-by-error" and fix the cause. ' +
        runbookLink('alarm-consumer-errors') +
        stopTheBleeding(this.stageName),
      metric: consumer.metricErrors({ period: RATE_PERIOD, statistic: 'Sum' }),
      threshold: thresholds.errors,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const throttles = new Alarm(this, 'ConsumerThrottles', {
      alarmDescription:
        `orders-pipeline ${this.stageName}: ${thresholds.throttles}+ consumer invocations throttled in 5 min. The event source ` +
        "caps the consumer's concurrency, so the account's Lambda concurrency has run out (another function, a quota). " +
        'Each throttled batch counts as a receive. Find what holds the concurrency, raise the quota or reserve some. ' +
        runbookLink('alarm-consumer-throttles'),
      metric: consumer.metricThrottles({ period: RATE_PERIOD, statistic: 'Sum' }),
      threshold: thresholds.throttles,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.notify(errors);
    this.notify(throttles);
    return { errors, throttles };
  }

  /**
   * The errors of the version behind the function's alias that this deploy published: during a CodeDeploy shift, the new
   * version's own (CodeDeploy rolls back on it); afterwards, the live version's.
   */
  alarmOnNewVersion(alias: Alias, errorsPerMinute: number): Alarm {
    const name = alias.version.lambda.node.id;
    const alarm = new Alarm(this, `${name}NewVersionErrors`, {
      alarmDescription:
        `orders-pipeline ${this.stageName}: the newest version of ${name} failed ${errorsPerMinute}+ invocations in a minute ` +
        `(crash, timeout or unhandled error), counted through its ${alias.aliasName} alias. During a deployment CodeDeploy ` +
        'rolls the alias back to the previous version by itself; check the deployment, then the saved query "failures-by-error". ' +
        runbookLink('alarm-new-version-errors'),
      metric: newVersionErrors(alias),
      threshold: errorsPerMinute,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.notify(alarm);
    return alarm;
  }

  /**
   * The share of API requests answered 5xx (API Gateway's and ours: 503 when SQS refused the order, 500 on a bug), as
   * metric math over the same period; 0 below the minimum request count, so a quiet stage does not page for one.
   */
  alarmOnApiServerErrors(api: IHttpApi, threshold: ServerErrorRateThreshold): Alarm {
    const rate = new MathExpression({
      expression: `IF(requests >= ${threshold.minimumRequests}, 100 * FILL(serverErrors, 0) / requests, 0)`,
      usingMetrics: {
        serverErrors: api.metricServerError({ period: RATE_PERIOD, statistic: 'Sum' }),
        requests: api.metricCount({ period: RATE_PERIOD, statistic: 'Sum' }),
      },
      period: RATE_PERIOD,
      label: `5xx % of requests (0 below ${threshold.minimumRequests} requests)`,
    });
    const alarm = new Alarm(this, 'ApiServerErrorRate', {
      alarmDescription:
        `orders-pipeline ${this.stageName}: ${threshold.percent}%+ of API requests answered 5xx in 5 min (at least ` +
        `${threshold.minimumRequests} requests). Clients are told to retry; orders are not being accepted. Check the API ` +
        'function on the dashboard (errors, throttles) and the saved query "failures-by-error". ' +
        runbookLink('alarm-api-5xx-rate'),
      metric: rate,
      threshold: threshold.percent,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.notify(alarm);
    return alarm;
  }

  /**
   * Read and write throttle events of the tables, summed. ThrottledRequests would miss most of ours: it counts a
   * BatchWriteItem or BatchGetItem only when every item in it was throttled; the events count each item.
   */
  alarmOnTableThrottles(tables: readonly ITable[], threshold: number): Alarm {
    const usingMetrics: Record<string, IMetric> = {};
    tables.forEach((table, index) => {
      for (const kind of ['Read', 'Write'] as const) {
        usingMetrics[`${kind.toLowerCase()}${index}`] = table.metric(`${kind}ThrottleEvents`, { period: RATE_PERIOD, statistic: 'Sum' });
      }
    });
    const throttleEvents = new MathExpression({
      // A table that was not throttled publishes no datapoint: FILL keeps the sum defined.
      expression: Object.keys(usingMetrics)
        .map((id) => `FILL(${id}, 0)`)
        .join(' + '),
      usingMetrics,
      period: RATE_PERIOD,
      label: 'throttled reads and writes, all tables',
    });
    const alarm = new Alarm(this, 'TableThrottles', {
      alarmDescription:
        `orders-pipeline ${this.stageName}: DynamoDB throttled ${threshold}+ reads and writes in each of two 5-min periods. ` +
        'The consumer retries throttled writes, so orders are delayed, not lost, until retries run out. Check consumed ' +
        'capacity on the dashboard: a hot key, traffic above twice its previous peak (on-demand takes minutes to adapt) ' +
        "or the account's per-table quota. " +
        runbookLink('alarm-dynamodb-throttling') +
        stopTheBleeding(this.stageName),
      metric: throttleEvents,
      threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // Sustained throttling only: one burst is what the SDK's and the writer's retries are for.
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.notify(alarm);
    return alarm;
  }

  private notify(alarm: Alarm): void {
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarmList.push(alarm);
  }
}
