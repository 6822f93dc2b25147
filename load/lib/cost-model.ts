import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { marshall } from '@aws-sdk/util-dynamodb';
import { itemBytes } from '../../local-runtime';
import type { LocalRuntime } from '../../local-runtime';
import type { SystemLogLevel } from '../../infra/config/stages';
import { accessLogBytesPerRequest, accessLogFormatOf, lambdaPlatformBytesPerInvocation } from './cloudwatch-log-lines';
import {
  LOG_LINE_KINDS,
  LOG_LINE_KIND_LABELS,
  type LogBytesByKind,
  type LogLineKind,
  addLogBytes,
  logBytesByKind,
  noLogBytes,
  totalLogBytes,
} from './log-line-kinds';

/**
 * AWS list prices, us-east-1, on-demand, without free tiers, as published on the services' pricing
 * pages and last checked 2026-11-23 (from the published pages as of late 2024; no network here to
 * re-check). Update the date when you change a figure.
 */
export const US_EAST_1_PRICES = {
  /** API Gateway HTTP API, per request (first 300 million a month; 512 KB metering units). */
  httpApiRequest: 1.0 / 1e6,
  /** Lambda requests. */
  lambdaRequest: 0.2 / 1e6,
  /** Lambda duration on arm64 (first 6 billion GB-s a month); INIT time is billed at the same rate. */
  lambdaArmGbSecond: 0.0000133334,
  /** SQS standard queue, per request (each 64 KB chunk of payload is one request). */
  sqsRequest: 0.4 / 1e6,
  /** DynamoDB on-demand write request unit (prices of 1 Nov 2024). */
  dynamoDbWriteUnit: 0.625 / 1e6,
  /** DynamoDB on-demand read request unit. */
  dynamoDbReadUnit: 0.125 / 1e6,
  /**
   * CloudWatch Logs ingestion, Standard log class, per GB ingested (collection; storage is billed apart, $0.03 per GB
   * a month, and small at these retentions). This and the three CloudWatch prices below are from the Amazon CloudWatch
   * pricing page (aws.amazon.com/cloudwatch/pricing), us-east-1, entered 2026-11-30 from the published figures
   * without network access to re-check them.
   */
  logsIngestionGb: 0.5,
  /** A dashboard, per month. The free tier (3 dashboards of up to 50 metrics per account) is left out: ours graphs more. */
  cloudWatchDashboardMonth: 3.0,
  /** A standard-resolution alarm, per metric it reads, per month: a metric-math alarm pays for each metric in it. */
  cloudWatchAlarmMetricMonth: 0.1,
  /** A custom metric (each EMF name and dimension set), per month, first 10,000 metrics; prorated by the hour. */
  cloudWatchCustomMetricMonth: 0.3,
} as const;

export type Prices = typeof US_EAST_1_PRICES;

/**
 * What one function did, in Lambda's billing units. Since 2025-08-01 AWS bills the INIT phase of a
 * cold start (for managed runtimes such as nodejs22.x, too) like handler time, so GB-s counts both.
 */
export interface FunctionBilling {
  readonly invocations: number;
  /** Billed handler duration, summed (each invocation rounded up to 1 ms). */
  readonly durationMs: number;
  /** INIT duration of the cold starts, summed. */
  readonly initDurationMs: number;
  readonly memorySizeMb: number;
  /** Its LoggingConfig.SystemLogLevel: which of Lambda's platform lines CloudWatch ingests (Lambda's default INFO when absent). */
  readonly systemLogLevel?: SystemLogLevel;
}

/** Everything the pipeline did for a number of orders, in billing units. */
export interface PipelineUsage {
  readonly orders: number;
  readonly apiRequests: number;
  readonly functions: Readonly<Record<string, FunctionBilling>>;
  readonly sqsRequests: number;
  readonly dynamoDbReadUnits: number;
  readonly dynamoDbWriteUnits: number;
  /**
   * Bytes the functions wrote to their logs, measured. CloudWatch Logs ingests these and Lambda's and the API's own
   * lines besides, which costPerMillionOrders adds per invocation and per request.
   */
  readonly logBytes: number;
  /** Bytes of the HTTP API's access-log line, one per request (0 without an access log): see accessLogBytesPerRequest. */
  readonly accessLogBytesPerRequest: number;
}

export interface CostBreakdown {
  readonly httpApi: number;
  readonly lambdaRequests: number;
  /** GB-s of handler time. */
  readonly lambdaDuration: number;
  /** GB-s of INIT time (cold starts), billed since 2025-08-01. */
  readonly lambdaInit: number;
  readonly sqs: number;
  readonly dynamoDb: number;
  /** CloudWatch Logs ingestion of everything logged: the functions' lines, Lambda's per invocation, the access log. */
  readonly logs: number;
  readonly total: number;
}

/** Bytes of Lambda's platform lines for the run's invocations, each function at its own SystemLogLevel. */
const lambdaPlatformBytes = (usage: PipelineUsage): number =>
  Object.values(usage.functions).reduce((sum, fn) => sum + fn.invocations * lambdaPlatformBytesPerInvocation(fn.systemLogLevel), 0);

/** Bytes CloudWatch Logs ingests for a run: what the functions wrote, plus Lambda's lines and the access log's. */
export const ingestedLogBytes = (usage: PipelineUsage): number =>
  usage.logBytes + lambdaPlatformBytes(usage) + usage.apiRequests * usage.accessLogBytesPerRequest;

/**
 * ingestedLogBytes by line kind: `written` is what the functions wrote (usage.logBytes, classified), Lambda's platform
 * lines and the access log are the estimates ingestedLogBytes adds. The kinds add up to ingestedLogBytes when `written`
 * adds up to usage.logBytes.
 */
export const ingestedLogBytesByKind = (usage: PipelineUsage, written: LogBytesByKind): LogBytesByKind => ({
  ...written,
  lambdaPlatform: written.lambdaPlatform + lambdaPlatformBytes(usage),
  accessLog: written.accessLog + usage.apiRequests * usage.accessLogBytesPerRequest,
});

/** US dollars per million orders, by service. */
export const costPerMillionOrders = (usage: PipelineUsage, prices: Prices = US_EAST_1_PRICES): CostBreakdown => {
  const perMillion = (total: number) => (usage.orders === 0 ? 0 : (total * 1e6) / usage.orders);
  const functions = Object.values(usage.functions);
  const invocations = functions.reduce((sum, fn) => sum + fn.invocations, 0);
  const gbSeconds = (ms: (fn: FunctionBilling) => number) =>
    functions.reduce((sum, fn) => sum + (ms(fn) / 1000) * (fn.memorySizeMb / 1024), 0);
  const breakdown = {
    httpApi: perMillion(usage.apiRequests * prices.httpApiRequest),
    lambdaRequests: perMillion(invocations * prices.lambdaRequest),
    lambdaDuration: perMillion(gbSeconds((fn) => fn.durationMs) * prices.lambdaArmGbSecond),
    lambdaInit: perMillion(gbSeconds((fn) => fn.initDurationMs) * prices.lambdaArmGbSecond),
    sqs: perMillion(usage.sqsRequests * prices.sqsRequest),
    dynamoDb: perMillion(usage.dynamoDbWriteUnits * prices.dynamoDbWriteUnit + usage.dynamoDbReadUnits * prices.dynamoDbReadUnit),
    logs: perMillion((ingestedLogBytes(usage) / 1024 ** 3) * prices.logsIngestionGb),
  };
  return { ...breakdown, total: Object.values(breakdown).reduce((sum, cost) => sum + cost, 0) };
};

/**
 * The design this project replaces (the seeds): one request and one API Lambda invocation per order,
 * doing a synchronous conditional PutItem; no queue, no consumer. Modelled from this run's figures:
 * the API function's memory and total measured duration (an enqueue and a PutItem are both one round
 * trip; for batch-intake runs this is a lower bound) and its INIT time (the same front, the same cold
 * starts), its log bytes per request times the orders, and the write units of the orders actually stored.
 */
export const naiveUsage = (usage: PipelineUsage, apiFunctionId: string, storedWriteUnits: number, apiLogBytes: number): PipelineUsage => {
  const api = usage.functions[apiFunctionId] ?? { invocations: 0, durationMs: 0, initDurationMs: 0, memorySizeMb: 0 };
  const requestsPerOrder = usage.apiRequests === 0 ? 0 : usage.orders / usage.apiRequests;
  return {
    orders: usage.orders,
    apiRequests: usage.orders,
    functions: { [apiFunctionId]: { ...api, invocations: usage.orders } },
    sqsRequests: 0,
    dynamoDbReadUnits: 0,
    dynamoDbWriteUnits: storedWriteUnits,
    logBytes: apiLogBytes * requestsPerOrder,
    accessLogBytesPerRequest: usage.accessLogBytesPerRequest,
  };
};

export const formatCost = (breakdown: CostBreakdown): string =>
  `$${breakdown.total.toFixed(2)} per million orders (HTTP API ${breakdown.httpApi.toFixed(2)}, Lambda requests ${breakdown.lambdaRequests.toFixed(2)}, ` +
  `Lambda GB-s ${breakdown.lambdaDuration.toFixed(2)} + INIT ${breakdown.lambdaInit.toFixed(2)}, SQS ${breakdown.sqs.toFixed(2)}, DynamoDB ${breakdown.dynamoDb.toFixed(2)}, log ingestion ${breakdown.logs.toFixed(2)})`;

/** Bytes a local function has logged (the runtime writes `<dataDir>/logs/<logicalId>.log`). */
export const logBytesOf = (dataDir: string, logicalId: string): number => {
  const file = path.join(dataDir, 'logs', `${logicalId}.log`);
  return existsSync(file) ? statSync(file).size : 0;
};

/** logBytesOf by line kind. */
export const logBytesByKindOf = (dataDir: string, logicalId: string): LogBytesByKind => {
  const file = path.join(dataDir, 'logs', `${logicalId}.log`);
  return existsSync(file) ? logBytesByKind(readFileSync(file)) : noLogBytes();
};

/** Bytes per order, rounded to whole bytes, by kind then in total: what the log-ingestion cost pays for. */
export const formatLogBytesPerOrder = (perOrder: LogBytesByKind): string => {
  const bytes = (value: number) => Math.round(value).toLocaleString('en-US');
  const estimated: readonly LogLineKind[] = ['lambdaPlatform', 'accessLog'];
  return `${bytes(totalLogBytes(perOrder))} B per order = ${LOG_LINE_KINDS.map(
    (kind) => `${LOG_LINE_KIND_LABELS[kind]} ${bytes(perOrder[kind])}${estimated.includes(kind) ? ' (estimated)' : ''}`,
  ).join(', ')}`;
};

/** Write units of putting these items once each, as stored. */
export const writeUnitsToStore = (items: readonly object[]): number =>
  items.reduce(
    (sum: number, item) => sum + Math.max(1, Math.ceil(itemBytes(marshall(item, { removeUndefinedValues: true }) as never) / 1024)),
    0,
  );

/**
 * This pipeline's cost and the naive design's, per million orders, from a local runtime's counters after a run and the
 * stage it ran (its access-log format sizes the access log's lines).
 */
export const measuredCostPerMillion = (
  runtime: Pick<LocalRuntime, 'usage' | 'assembly'>,
  dataDir: string,
  orders: number,
  storedItems: readonly object[],
): { pipeline: CostBreakdown; naive: CostBreakdown; logBytesPerOrder: LogBytesByKind } => {
  const usage = runtime.usage();
  const apiFunctionId = Object.keys(usage.functions).find((id) => id.startsWith('ApiFunction')) ?? '';
  const pipelineUsage: PipelineUsage = {
    orders,
    apiRequests: usage.functions[apiFunctionId]?.invocations ?? 0,
    // Only what Lambda bills; a runtime that does not count INIT yet reports none.
    functions: Object.fromEntries(
      Object.entries(usage.functions).map(([id, fn]) => [
        id,
        {
          invocations: fn.invocations,
          durationMs: fn.durationMs,
          initDurationMs: fn.initDurationMs ?? 0,
          memorySizeMb: fn.memorySizeMb,
          systemLogLevel: fn.systemLogLevel,
        },
      ]),
    ),
    sqsRequests: usage.sqsRequests,
    dynamoDbReadUnits: usage.dynamoDbReadUnits,
    dynamoDbWriteUnits: usage.dynamoDbWriteUnits,
    logBytes: Object.keys(usage.functions).reduce((sum, id) => sum + logBytesOf(dataDir, id), 0),
    accessLogBytesPerRequest: accessLogBytesPerRequest(accessLogFormatOf(runtime.assembly.template)),
  };
  const written = Object.keys(usage.functions).reduce<LogBytesByKind>(
    (sum, id) => addLogBytes(sum, logBytesByKindOf(dataDir, id)),
    noLogBytes(),
  );
  const ingested = ingestedLogBytesByKind(pipelineUsage, written);
  return {
    pipeline: costPerMillionOrders(pipelineUsage),
    logBytesPerOrder: Object.fromEntries(
      LOG_LINE_KINDS.map((kind) => [kind, orders === 0 ? 0 : ingested[kind] / orders]),
    ) as LogBytesByKind,
    naive: costPerMillionOrders(
      naiveUsage(pipelineUsage, apiFunctionId, writeUnitsToStore(storedItems), logBytesOf(dataDir, apiFunctionId)),
    ),
  };
};
