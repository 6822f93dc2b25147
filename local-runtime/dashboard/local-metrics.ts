import { type CfnTemplate, resourcesOfType } from '../cloud-assembly';
import { invokedFunctionId } from '../function-reference';
import type { AlarmMetric } from './alarm-definitions';
import { type Statistic, isStatistic } from './metric-store';

/**
 * The series the collector records, by what the local runtime can observe. One naming shared by the collector (which
 * writes them) and `localSeriesFor` (which maps a CloudWatch metric onto them).
 */
export const seriesKey = {
  /** Count (1 per request), 4xx and 5xx (1 or 0 per request, so Average is the rate), Latency (ms). */
  api: (metric: 'Count' | '4xx' | '5xx' | 'Latency') => `api/${metric}`,
  /** Invocations (1 each), Errors and Throttles (1 or 0 each), Duration (ms), by function logical id. */
  lambda: (functionId: string, metric: 'Invocations' | 'Errors' | 'Throttles' | 'Duration') => `lambda/${functionId}/${metric}`,
  /** Polled every second (ApproximateAgeOfOldestMessage: see queue-sampler.ts). */
  sqs: (queueId: string, metric: SqsMetric) => `sqs/${queueId}/${metric}`,
  /** Throttles injected on the wire (dynalite never throttles), all tables together: the proxy does not tell them apart. */
  dynamoDbThrottles: () => 'dynamodb/ThrottledRequests',
  /** One value per invocation: the sum of what the invocation logged as EMF under this name. */
  emf: (functionId: string, metricName: string) => `emf/${functionId}/${metricName}`,
  /** Records per event-source batch. */
  batchSize: (functionId: string) => `esm/${functionId}/BatchSize`,
};

export const SQS_METRICS = [
  'ApproximateNumberOfMessagesVisible',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'ApproximateAgeOfOldestMessage',
] as const;
export type SqsMetric = (typeof SQS_METRICS)[number];

export type LocalSeries =
  | { readonly keys: readonly string[]; readonly statistic: Statistic; readonly note?: string }
  | { readonly notLocal: string };

const API_METRICS: Readonly<Record<string, 'Count' | '4xx' | '5xx' | 'Latency'>> = {
  Count: 'Count',
  '4xx': '4xx',
  '4XXError': '4xx',
  '5xx': '5xx',
  '5XXError': '5xx',
  Latency: 'Latency',
};
const LAMBDA_METRICS = ['Invocations', 'Errors', 'Throttles', 'Duration'] as const;

const idsOfType = (template: CfnTemplate, type: string): Set<string> => new Set(resourcesOfType(template, type).map(([id]) => id));

const describeDimensions = (dimensions: Readonly<Record<string, string>>): string =>
  Object.entries(dimensions)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ') || 'no dimensions';

const sqsSeries = (template: CfnTemplate, metric: AlarmMetric): LocalSeries => {
  const { QueueName: queueId, ...others } = metric.dimensions;
  if (!queueId || Object.keys(others).length > 0)
    return { notLocal: `needs exactly the QueueName dimension (has ${describeDimensions(metric.dimensions)})` };
  if (!idsOfType(template, 'AWS::SQS::Queue').has(queueId)) return { notLocal: `QueueName ${queueId} is not a queue of this stack` };
  if (!(SQS_METRICS as readonly string[]).includes(metric.metricName)) {
    return { notLocal: `the local runtime samples queue depth and age only, not ${metric.metricName}` };
  }
  return { keys: [seriesKey.sqs(queueId, metric.metricName as SqsMetric)], statistic: metric.statistic as Statistic };
};

const lambdaSeries = (template: CfnTemplate, metric: AlarmMetric): LocalSeries => {
  const { FunctionName: functionId, Resource: qualified, ExecutedVersion: executedVersion, ...others } = metric.dimensions;
  if (Object.keys(others).length > 0) return { notLocal: `per-${Object.keys(others).join('/')} Lambda metrics are not recorded locally` };
  // Locally a function runs one copy, its current code: its series through an alias (Resource) or of the version it ran
  // (ExecutedVersion) is the function's own.
  const ofThisFunction = (reference: string) => invokedFunctionId(template, { Ref: reference }) === functionId;
  if (executedVersion !== undefined && !ofThisFunction(executedVersion)) {
    return { notLocal: `ExecutedVersion ${executedVersion} is not a version of ${functionId ?? 'a function of this stack'}` };
  }
  if (qualified !== undefined && !qualified.includes(`"${functionId}"`) && !ofThisFunction(qualified)) {
    return { notLocal: `Resource ${qualified} is not ${functionId ?? 'a function of this stack'} or one of its aliases` };
  }
  const functions = idsOfType(template, 'AWS::Lambda::Function');
  if (functionId && !functions.has(functionId)) return { notLocal: `FunctionName ${functionId} is not a function of this stack` };
  const name = metric.metricName as (typeof LAMBDA_METRICS)[number];
  if (!LAMBDA_METRICS.includes(name))
    return { notLocal: `the local runtime records Invocations, Errors, Throttles and Duration, not ${name}` };
  // Without a FunctionName, CloudWatch's series is every function of the account (here: of the stack).
  const ids = functionId ? [functionId] : [...functions];
  return { keys: ids.map((id) => seriesKey.lambda(id, name)), statistic: metric.statistic as Statistic };
};

const apiSeries = (template: CfnTemplate, metric: AlarmMetric): LocalSeries => {
  const { ApiId: apiId, ApiName: apiName, Stage: stage, ...others } = metric.dimensions;
  if (Object.keys(others).length > 0) {
    return { notLocal: `per-${Object.keys(others).join('/')} API Gateway metrics are not recorded locally` };
  }
  const api = apiId ?? apiName;
  if (!api) return { notLocal: 'needs an ApiId or ApiName dimension' };
  const apis = new Set([...idsOfType(template, 'AWS::ApiGatewayV2::Api'), ...idsOfType(template, 'AWS::ApiGateway::RestApi')]);
  if (!apis.has(api)) return { notLocal: `${apiId ? 'ApiId' : 'ApiName'} ${api} is not an API of this stack` };
  const stages = resourcesOfType(template, 'AWS::ApiGatewayV2::Stage').map(([, resource]) => resource.Properties?.StageName);
  if (stage !== undefined && !stages.includes(stage)) return { notLocal: `Stage ${stage} is not a stage of this stack` };
  const local = API_METRICS[metric.metricName];
  if (!local) return { notLocal: `the local front records Count, 4xx, 5xx and Latency, not ${metric.metricName}` };
  const note = apis.size > 1 ? 'the local front serves every API of the stack on one port: its requests are counted together' : undefined;
  return { keys: [seriesKey.api(local)], statistic: metric.statistic as Statistic, note };
};

const dynamoDbSeries = (template: CfnTemplate, metric: AlarmMetric): LocalSeries => {
  if (metric.metricName === 'ReadThrottleEvents' || metric.metricName === 'WriteThrottleEvents') {
    return {
      notLocal: `fault injection counts throttled calls, not throttled items by read or write, so ${metric.metricName} has no local equivalent (ThrottledRequests has)`,
    };
  }
  if (metric.metricName !== 'ThrottledRequests') {
    return {
      notLocal: `dynalite reports no capacity or latency metrics, so ${metric.metricName} has no local equivalent (ThrottledRequests has)`,
    };
  }
  const tableId = metric.dimensions.TableName;
  if (tableId && !idsOfType(template, 'AWS::DynamoDB::Table').has(tableId))
    return { notLocal: `TableName ${tableId} is not a table of this stack` };
  return {
    keys: [seriesKey.dynamoDbThrottles()],
    statistic: metric.statistic as Statistic,
    note: 'only fault injection throttles locally, and its throttled calls are counted for all tables together',
  };
};

/** Our own metrics: the EMF every function logs under its POWERTOOLS_METRICS_NAMESPACE, with the dimension `service`. */
const emfSeries = (template: CfnTemplate, metric: AlarmMetric): LocalSeries => {
  const publishers = resourcesOfType(template, 'AWS::Lambda::Function').filter(
    ([, fn]) => fn.Properties?.Environment?.Variables?.POWERTOOLS_METRICS_NAMESPACE === metric.namespace,
  );
  if (publishers.length === 0)
    return { notLocal: `namespace ${metric.namespace} is neither measured locally nor a function's metrics namespace` };
  const { service, ...others } = metric.dimensions;
  if (service === undefined || Object.keys(others).length > 0) {
    // Powertools publishes with the service dimension alone; on AWS this alarm would match no series either.
    return {
      notLocal: `the functions publish ${metric.namespace} metrics with the dimension service only (this alarm has ${describeDimensions(metric.dimensions)})`,
    };
  }
  const functionIds = publishers
    .filter(([, fn]) => fn.Properties?.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === service)
    .map(([id]) => id);
  if (functionIds.length === 0) return { notLocal: `no function of this stack has POWERTOOLS_SERVICE_NAME ${service}` };
  return {
    keys: functionIds.map((id) => seriesKey.emf(id, metric.metricName)),
    statistic: metric.statistic as Statistic,
    note: 'one datapoint per invocation (the bootstrap sums what an invocation logs under one name)',
  };
};

/** Where the local runtime keeps the data a CloudWatch metric would have, or why it has none. */
export const localSeriesFor = (template: CfnTemplate, metric: AlarmMetric): LocalSeries => {
  if (!isStatistic(metric.statistic)) return { notLocal: `statistic ${metric.statistic} is not computed locally` };
  switch (metric.namespace) {
    case 'AWS/SQS':
      return sqsSeries(template, metric);
    case 'AWS/Lambda':
      return lambdaSeries(template, metric);
    case 'AWS/ApiGateway':
      return apiSeries(template, metric);
    case 'AWS/DynamoDB':
      return dynamoDbSeries(template, metric);
    default:
      if (metric.namespace.startsWith('AWS/')) return { notLocal: `${metric.namespace} is not emulated locally` };
      return emfSeries(template, metric);
  }
};
