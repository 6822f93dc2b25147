/**
 * A stage's capacity settings as its synthesized template deploys them: the planner reads nothing from
 * infra/config/stages.ts but the design load, so that a setting a construct changes (a visibility timeout derived from
 * the function timeout, a default) is the one the model sees.
 */
import type { SystemLogLevel } from '../../infra/config/stages';
import { invokedFunctionId } from '../../local-runtime/function-reference';
import { ENV } from '../../shared-layer/src/tooling';
import type { RedeliveryBackoff } from '../../shared-layer/src/tooling';

type Properties = Readonly<Record<string, unknown>>;
type Resources = Readonly<Record<string, { readonly Type: string; readonly Properties?: Properties }>>;

export interface FunctionLimits {
  readonly logicalId: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** ReservedConcurrentExecutions, when set. */
  readonly reservedConcurrency?: number;
  /** LoggingConfig.SystemLogLevel, when set: which of Lambda's platform lines the log bill pays for. */
  readonly systemLogLevel?: SystemLogLevel;
}

export interface AlarmSpec {
  readonly logicalId: string;
  /** What the planner can evaluate; `other` alarms are listed but never fire in the model. */
  readonly watches:
    | 'dlq-visible'
    | 'oldest-message-age'
    | 'consumer-errors'
    | 'consumer-throttles'
    | 'api-5xx-rate'
    | 'table-throttles'
    /** A deployment's new version (ExecutedVersion): the model runs one version, so these never fire in it. */
    | 'new-version-errors'
    | 'other';
  readonly threshold: number;
  /** GreaterThanThreshold; otherwise GreaterThanOrEqualToThreshold. */
  readonly strictlyGreater: boolean;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
}

export interface DeployedStage {
  readonly stage: string;
  readonly api: FunctionLimits & { readonly throttleRate: number; readonly throttleBurst: number };
  readonly consumer: FunctionLimits & {
    readonly batchSize: number;
    readonly batchingWindowSeconds: number;
    /** ScalingConfig.MaximumConcurrency, when set. */
    readonly maxConcurrency?: number;
    /** ProvisionedPollerConfig, when the mapping runs in provisioned mode. */
    readonly provisionedPollers?: { readonly minimum: number; readonly maximum: number };
    /** The consumer's redelivery backoff (its REDELIVERY_FIRST_DELAY_SECONDS), when it holds failed records back. */
    readonly redeliveryBackoff?: RedeliveryBackoff;
  };
  readonly queue: { readonly visibilityTimeoutSeconds: number; readonly maxReceiveCount: number };
  readonly tables: readonly {
    readonly logicalId: string;
    readonly onDemand: boolean;
    /** OnDemandThroughput.MaxWriteRequestUnits, when set. */
    readonly maxWriteUnits?: number;
    /** WarmThroughput.WriteUnitsPerSecond, when set. */
    readonly warmWriteUnits?: number;
  }[];
  readonly alarms: readonly AlarmSpec[];
  /** The HTTP API's AccessLogSettings.Format, when it has an access log. */
  readonly accessLogFormat?: string;
}

export class StageTemplateError extends Error {
  override readonly name = 'StageTemplateError';
}

const ofType = (resources: Resources, type: string) =>
  Object.entries(resources).filter(([, resource]) => resource.Type === type) as [string, { Type: string; Properties: Properties }][];

const only = (resources: Resources, type: string, match: (id: string) => boolean, what: string) => {
  const found = ofType(resources, type).filter(([id]) => match(id));
  if (found.length !== 1) {
    throw new StageTemplateError(
      `Expected one ${what} (${type}) in the template, found ${found.length}: has the stack's layout changed? Update load/plan/deployed-stage.ts.`,
    );
  }
  const [logicalId, resource] = found[0];
  return { logicalId, properties: resource.Properties ?? {} };
};

const num = (value: unknown, fallback?: number): number => {
  const parsed = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (Number.isFinite(parsed)) return parsed;
  if (fallback !== undefined) return fallback;
  throw new StageTemplateError(`Expected a number in the template, found ${JSON.stringify(value)}.`);
};

const optionalNum = (value: unknown): number | undefined => (value === undefined ? undefined : num(value));

const functionLimits = (logicalId: string, properties: Properties): FunctionLimits => ({
  logicalId,
  // Lambda's defaults when a template leaves them out.
  memoryMb: num(properties.MemorySize, 128),
  timeoutSeconds: num(properties.Timeout, 3),
  reservedConcurrency: optionalNum(properties.ReservedConcurrentExecutions),
  systemLogLevel: (properties.LoggingConfig as { SystemLogLevel?: SystemLogLevel } | undefined)?.SystemLogLevel,
});

const redeliveryBackoffOf = (properties: Properties): RedeliveryBackoff | undefined => {
  const variables = (properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
  const firstDelaySeconds = optionalNum(variables[ENV.REDELIVERY_FIRST_DELAY_SECONDS]);
  return firstDelaySeconds === undefined ? undefined : { firstDelaySeconds };
};

const referencedId = (value: unknown): string | undefined => {
  const ref = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] } | undefined;
  return ref?.Ref ?? ref?.['Fn::GetAtt']?.[0];
};

const metricNamesOf = (properties: Properties): string[] => {
  const metrics = properties.Metrics as { MetricStat?: { Metric?: { MetricName?: string } } }[] | undefined;
  if (metrics) return metrics.flatMap((metric) => (metric.MetricStat?.Metric?.MetricName ? [metric.MetricStat.Metric.MetricName] : []));
  return typeof properties.MetricName === 'string' ? [properties.MetricName] : [];
};

const periodOf = (properties: Properties): number => {
  if (properties.Period !== undefined) return num(properties.Period);
  const metrics = properties.Metrics as { MetricStat?: { Period?: number } }[] | undefined;
  return num(metrics?.find((metric) => metric.MetricStat?.Period)?.MetricStat?.Period, 60);
};

const watchedBy = (properties: Properties, ids: { dlq: string; queue: string; consumer: string }): AlarmSpec['watches'] => {
  const names = metricNamesOf(properties);
  const dimensions = JSON.stringify(properties.Dimensions ?? properties.Metrics ?? []);
  if (names.includes('ApproximateNumberOfMessagesVisible') && dimensions.includes(ids.dlq)) return 'dlq-visible';
  if (names.includes('ApproximateAgeOfOldestMessage') && dimensions.includes(ids.queue)) return 'oldest-message-age';
  if (dimensions.includes('ExecutedVersion')) return 'new-version-errors';
  if (names.includes('Errors') && dimensions.includes(ids.consumer)) return 'consumer-errors';
  if (names.includes('Throttles') && dimensions.includes(ids.consumer)) return 'consumer-throttles';
  if (names.includes('5xx')) return 'api-5xx-rate';
  if (names.some((name) => name.endsWith('ThrottleEvents'))) return 'table-throttles';
  return 'other';
};

/** Reads the settings the planner needs from one stage's synthesized template. */
export const deployedStageOf = (stage: string, template: Readonly<Record<string, unknown>>): DeployedStage => {
  const resources = (template.Resources ?? {}) as Resources;
  const mapping = only(resources, 'AWS::Lambda::EventSourceMapping', () => true, 'SQS event source mapping');
  // The mapping invokes the consumer's `live` alias (or the function itself): either way, the function's settings.
  const consumerId = invokedFunctionId({ Resources: resources }, mapping.properties.FunctionName);
  const queueId = referencedId(mapping.properties.EventSourceArn);
  if (!consumerId || !queueId) throw new StageTemplateError('The event source mapping names no function or queue it connects.');
  const consumer = only(resources, 'AWS::Lambda::Function', (id) => id === consumerId, 'consumer function');
  const api = only(resources, 'AWS::Lambda::Function', (id) => id.startsWith('ApiFunction'), 'API function');
  const queue = only(resources, 'AWS::SQS::Queue', (id) => id === queueId, 'orders queue');
  const redrive = queue.properties.RedrivePolicy as { maxReceiveCount?: number; deadLetterTargetArn?: unknown } | undefined;
  const dlqId = referencedId(redrive?.deadLetterTargetArn);
  if (!redrive || !dlqId) throw new StageTemplateError(`The orders queue ${queueId} has no redrive policy: every stage needs its DLQ.`);
  const apiStage = only(resources, 'AWS::ApiGatewayV2::Stage', () => true, 'HTTP API stage');
  const routeSettings = (apiStage.properties.DefaultRouteSettings ?? {}) as { ThrottlingRateLimit?: number; ThrottlingBurstLimit?: number };
  const scaling = mapping.properties.ScalingConfig as { MaximumConcurrency?: number } | undefined;
  const pollers = mapping.properties.ProvisionedPollerConfig as { MinimumPollers?: number; MaximumPollers?: number } | undefined;
  return {
    stage,
    api: {
      ...functionLimits(api.logicalId, api.properties),
      // Without a stage throttle only the account's applies.
      throttleRate: num(routeSettings.ThrottlingRateLimit, Number.POSITIVE_INFINITY),
      throttleBurst: num(routeSettings.ThrottlingBurstLimit, Number.POSITIVE_INFINITY),
    },
    accessLogFormat: (apiStage.properties.AccessLogSettings as { Format?: string } | undefined)?.Format,
    consumer: {
      ...functionLimits(consumer.logicalId, consumer.properties),
      batchSize: num(mapping.properties.BatchSize, 10),
      batchingWindowSeconds: num(mapping.properties.MaximumBatchingWindowInSeconds, 0),
      maxConcurrency: optionalNum(scaling?.MaximumConcurrency),
      // AWS's defaults for the pollers a provisioned mapping leaves out (services-sqs-parameters: 2 and 200).
      provisionedPollers: pollers ? { minimum: num(pollers.MinimumPollers, 2), maximum: num(pollers.MaximumPollers, 200) } : undefined,
      redeliveryBackoff: redeliveryBackoffOf(consumer.properties),
    },
    // SQS's default visibility timeout is 30 s.
    queue: { visibilityTimeoutSeconds: num(queue.properties.VisibilityTimeout, 30), maxReceiveCount: num(redrive.maxReceiveCount) },
    tables: ofType(resources, 'AWS::DynamoDB::Table').map(([logicalId, table]) => {
      const properties = table.Properties ?? {};
      const onDemand = properties.BillingMode === 'PAY_PER_REQUEST';
      return {
        logicalId,
        onDemand,
        maxWriteUnits: optionalNum((properties.OnDemandThroughput as { MaxWriteRequestUnits?: number } | undefined)?.MaxWriteRequestUnits),
        warmWriteUnits: optionalNum((properties.WarmThroughput as { WriteUnitsPerSecond?: number } | undefined)?.WriteUnitsPerSecond),
      };
    }),
    alarms: ofType(resources, 'AWS::CloudWatch::Alarm').map(([logicalId, alarm]) => {
      const properties = alarm.Properties ?? {};
      const evaluationPeriods = num(properties.EvaluationPeriods, 1);
      return {
        logicalId,
        watches: watchedBy(properties, { dlq: dlqId, queue: queueId, consumer: consumerId }),
        threshold: num(properties.Threshold),
        strictlyGreater: properties.ComparisonOperator === 'GreaterThanThreshold',
        periodSeconds: periodOf(properties),
        evaluationPeriods,
        datapointsToAlarm: num(properties.DatapointsToAlarm, evaluationPeriods),
      };
    }),
  };
};
