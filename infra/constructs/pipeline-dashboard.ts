import { Duration, Stack } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AlarmStatusWidget,
  type CfnDashboard,
  Dashboard,
  GraphWidget,
  type IAlarm,
  type IMetric,
  type IWidget,
  MathExpression,
  Metric,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EMF_METRICS } from './emf-metrics';
import type { PipelineFunction } from './pipeline-function';
import { RUNBOOK } from './pipeline-alarms';

/** The metrics an event source mapping publishes once its MetricsConfig asks for EventCount (AWS/Lambda). */
export const EVENT_SOURCE_MAPPING_METRICS = [
  'PolledEventCount',
  'InvokedEventCount',
  'FilteredOutEventCount',
  'FailedInvokeEventCount',
  'DeletedEventCount',
  'DroppedEventCount',
] as const;

export interface PipelineDashboardProps {
  readonly stageName: string;
  readonly httpApi: IHttpApi;
  /** One row each (invocations, errors, throttles, duration, concurrency), and their EMF metrics by service. */
  readonly functions: readonly PipelineFunction[];
  readonly consumer: IFunction;
  /** The consumer's SQS event source mapping (its metrics are by EventSourceMappingUUID). */
  readonly eventSourceMappingId: string;
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
  /** By the name the graphs give them. */
  readonly tables: Readonly<Record<string, ITable>>;
  /** Shown at the top with their state. */
  readonly alarms: readonly IAlarm[];
  /** The Logs Insights folder the saved queries are in. */
  readonly queryFolder: string;
}

// Every source here publishes each minute; CloudWatch widens the period by itself for long time ranges.
const PERIOD = Duration.minutes(1);
const FULL = 24;
const THIRD = 8;
const HALF = 12;

const graph = (title: string, left: IMetric[], options: { right?: IMetric[]; width?: number; leftLabel?: string } = {}) =>
  new GraphWidget({
    title,
    left,
    right: options.right,
    width: options.width ?? THIRD,
    height: 6,
    period: PERIOD,
    leftYAxis: { min: 0, label: options.leftLabel, showUnits: false },
    rightYAxis: options.right ? { min: 0, showUnits: false } : undefined,
  });

const labelled = (metric: Metric, label: string, statistic?: string): Metric => metric.with({ label, statistic, period: PERIOD });

/**
 * One dashboard per stage, read top to bottom the way an order travels: alarms, the HTTP API, each function,
 * the queue and its DLQ, the consumer's event source, what the code counted (EMF), DynamoDB. Its name is the stack
 * name plus the region: dashboards are global to an account, so two stages, or one stage in two regions, never clash.
 */
export class PipelineDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: PipelineDashboardProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${stack.stackName}-${stack.region}`,
      defaultInterval: Duration.hours(3),
    });
    // The stage's tags reach the dashboard (CloudFormation takes Tags on it, as aws-cdk-lib's generated L1 shows), but
    // cfn-lint 1.51's bundled schema for AWS::CloudWatch::Dashboard predates them: its E3002 is silenced here only.
    (this.dashboard.node.defaultChild as CfnDashboard).addMetadata('cfn-lint', { config: { ignore_checks: ['E3002'] } });
    const rows: IWidget[][] = [
      [
        new TextWidget({
          markdown:
            `# orders-pipeline ${props.stageName}\n` +
            `Alarms notify the stack's AlarmTopicArn; each has a runbook section in \`${RUNBOOK}\`. ` +
            `Saved Logs Insights queries are in the folder \`${props.queryFolder}\` (replace ORDER_ID in "order-lifecycle").`,
          width: FULL,
          height: 2,
        }),
      ],
      [new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: FULL, height: 3 })],
      this.httpApiRow(props.httpApi),
      ...props.functions.map((fn) => this.functionRow(fn)),
      this.queueRow(props),
      this.eventSourceRow(props),
      ...this.emfRows(props.functions),
      this.tableRow(props.tables),
    ];
    for (const row of rows) this.dashboard.addWidgets(...row);
  }

  private httpApiRow(api: IHttpApi): IWidget[] {
    return [
      graph('HTTP API: requests', [labelled(api.metricCount(), 'requests', 'Sum')]),
      graph('HTTP API: 4xx and 5xx', [labelled(api.metricClientError(), '4xx', 'Sum'), labelled(api.metricServerError(), '5xx', 'Sum')]),
      graph(
        'HTTP API: latency (ms)',
        ['p50', 'p99', 'Maximum'].map((statistic) => labelled(api.metricLatency(), `latency ${statistic}`, statistic)),
      ),
    ];
  }

  private functionRow(fn: PipelineFunction): IWidget[] {
    const name = fn.node.id;
    return [
      graph(`${name}: invocations, errors, throttles`, [
        labelled(fn.metricInvocations(), 'invocations', 'Sum'),
        labelled(fn.metricErrors(), 'errors', 'Sum'),
        labelled(fn.metricThrottles(), 'throttles', 'Sum'),
      ]),
      graph(
        `${name}: duration (ms)`,
        ['p50', 'p99', 'Maximum'].map((statistic) => labelled(fn.metricDuration(), `duration ${statistic}`, statistic)),
      ),
      graph(`${name}: concurrent executions`, [labelled(fn.metric('ConcurrentExecutions'), 'concurrent executions', 'Maximum')]),
    ];
  }

  private queueRow(props: PipelineDashboardProps): IWidget[] {
    return [
      graph('Order queue: depth', [
        labelled(props.queue.metricApproximateNumberOfMessagesVisible(), 'waiting', 'Maximum'),
        labelled(props.queue.metricApproximateNumberOfMessagesNotVisible(), 'in flight', 'Maximum'),
      ]),
      graph('Order queue: age of oldest message (s)', [
        labelled(props.queue.metricApproximateAgeOfOldestMessage(), 'oldest message age', 'Maximum'),
      ]),
      graph('DLQ: depth (orders not stored)', [
        labelled(props.deadLetterQueue.metricApproximateNumberOfMessagesVisible(), 'in the DLQ', 'Maximum'),
      ]),
    ];
  }

  private eventSourceRow(props: PipelineDashboardProps): IWidget[] {
    const eventSource = (metricName: string) =>
      new Metric({
        namespace: 'AWS/Lambda',
        metricName,
        dimensionsMap: { EventSourceMappingUUID: props.eventSourceMappingId },
        statistic: 'Sum',
        period: PERIOD,
      });
    const batchSize = new MathExpression({
      expression: 'invoked / invocations',
      usingMetrics: { invoked: eventSource('InvokedEventCount'), invocations: props.consumer.metricInvocations({ statistic: 'Sum' }) },
      label: 'records per invocation',
      period: PERIOD,
    });
    return [
      graph(
        'Event source: messages',
        EVENT_SOURCE_MAPPING_METRICS.map((metricName) => eventSource(metricName).with({ label: metricName.replace(/EventCount$/, '') })),
        { width: HALF },
      ),
      graph('Event source: average batch size', [batchSize], { width: HALF }),
    ];
  }

  /** What the code counted, per service (namespace OrdersPipeline, dimension service, as Powertools writes it). */
  private emfRows(functions: readonly PipelineFunction[]): IWidget[][] {
    const widgets = functions.flatMap((fn) => {
      const published = EMF_METRICS[fn.serviceName];
      if (!published) return [];
      const metric = (name: string, statistic: string) =>
        new Metric({
          namespace: 'OrdersPipeline',
          metricName: name,
          dimensionsMap: { service: fn.serviceName },
          statistic,
          period: PERIOD,
          label: name,
        });
      const counts = published.filter((m) => m.statistic === 'Sum').map((m) => metric(m.name, m.statistic));
      const worst = published.filter((m) => m.statistic === 'Maximum').map((m) => metric(m.name, m.statistic));
      const title = `${fn.serviceName} (EMF)${worst.length > 0 ? ': counts left, maxima right' : ''}`;
      return [graph(title, counts, { right: worst.length > 0 ? worst : undefined, width: HALF })];
    });
    const rows: IWidget[][] = [];
    for (let index = 0; index < widgets.length; index += 2) rows.push(widgets.slice(index, index + 2));
    return rows;
  }

  private tableRow(tables: Readonly<Record<string, ITable>>): IWidget[] {
    const entries = Object.entries(tables);
    return [
      graph(
        'DynamoDB: consumed capacity units',
        entries.flatMap(([name, table]) => [
          labelled(table.metricConsumedWriteCapacityUnits(), `${name} WCU`, 'Sum'),
          labelled(table.metricConsumedReadCapacityUnits(), `${name} RCU`, 'Sum'),
        ]),
        { width: HALF },
      ),
      graph(
        'DynamoDB: throttled reads and writes',
        entries.flatMap(([name, table]) => [
          labelled(table.metric('WriteThrottleEvents'), `${name} writes throttled`, 'Sum'),
          labelled(table.metric('ReadThrottleEvents'), `${name} reads throttled`, 'Sum'),
        ]),
        { width: HALF },
      ),
    ];
  }
}
