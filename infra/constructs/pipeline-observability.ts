import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StageConfig } from '../config/stages';
import type { PipelineAlarms } from './pipeline-alarms';
import { PipelineDashboard } from './pipeline-dashboard';
import type { PipelineFunction } from './pipeline-function';
import { SavedQueries } from './saved-queries';

export interface PipelineObservabilityProps {
  readonly config: Pick<StageConfig, 'stageName' | 'alarms'>;
  /** Holds the topic; the alarms added here sit beside its queue alarms and notify the same topic. */
  readonly alarms: PipelineAlarms;
  readonly httpApi: IHttpApi;
  /** Every function of the stack: each gets its dashboard row and is searched by the saved queries. */
  readonly functions: readonly PipelineFunction[];
  readonly consumer: PipelineFunction;
  /** The consumer's SQS event source mapping, created with MetricsConfig EventCount. */
  readonly eventSourceMappingId: string;
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
  readonly ordersTable: ITable;
  readonly idempotencyTable: ITable;
}

/** Logs Insights folder of a stage's saved queries. */
export const queryFolderFor = (stageName: string): string => `orders-pipeline/${stageName}`;

/**
 * What an operator looks at, deployed with the stage: the alarms on the causes behind a stuck queue or a failing API,
 * the dashboard and the saved Logs Insights queries. Thresholds come from the stage config.
 */
export class PipelineObservability extends Construct {
  readonly dashboard: PipelineDashboard;
  readonly queries: SavedQueries;
  /** The consumer's invocation errors and throttles. */
  readonly consumerAlarms: { readonly errors: Alarm; readonly throttles: Alarm };
  /** The share of API requests answered 5xx. */
  readonly apiServerErrorAlarm: Alarm;

  constructor(scope: Construct, id: string, props: PipelineObservabilityProps) {
    super(scope, id);
    const { stageName, alarms: thresholds } = props.config;
    this.consumerAlarms = props.alarms.alarmOnConsumer(props.consumer, {
      errors: thresholds.consumerErrors,
      throttles: thresholds.consumerThrottles,
    });
    this.apiServerErrorAlarm = props.alarms.alarmOnApiServerErrors(props.httpApi, thresholds.apiServerErrors);
    props.alarms.alarmOnTableThrottles([props.ordersTable, props.idempotencyTable], thresholds.tableThrottleEvents);

    const queryFolder = queryFolderFor(stageName);
    this.queries = new SavedQueries(this, 'Queries', {
      folder: queryFolder,
      functionLogGroups: props.functions.map((fn) => fn.logGroup),
      consumerLogGroup: props.consumer.logGroup,
    });
    this.dashboard = new PipelineDashboard(this, 'Dashboard', {
      stageName,
      httpApi: props.httpApi,
      functions: props.functions,
      consumer: props.consumer,
      eventSourceMappingId: props.eventSourceMappingId,
      queue: props.queue,
      deadLetterQueue: props.deadLetterQueue,
      tables: { orders: props.ordersTable, idempotency: props.idempotencyTable },
      alarms: props.alarms.alarms,
      queryFolder,
    });
  }
}
