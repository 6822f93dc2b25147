/**
 * What a CloudWatch log line is, told from its content alone, so the cost line can show which lines the log-ingestion
 * bill pays for (bytes per order by kind) and the next change to logging shows its price.
 */
export const LOG_LINE_KINDS = ['apiRequest', 'emf', 'consumerBatch', 'lambdaPlatform', 'accessLog', 'other'] as const;
export type LogLineKind = (typeof LOG_LINE_KINDS)[number];
export type LogBytesByKind = Readonly<Record<LogLineKind, number>>;

/** How the cost line names each kind. */
export const LOG_LINE_KIND_LABELS: Readonly<Record<LogLineKind, string>> = {
  apiRequest: 'API request',
  emf: 'EMF',
  consumerBatch: 'consumer batch',
  lambdaPlatform: 'Lambda platform',
  accessLog: 'access log',
  other: 'other',
};

/** The API function's POWERTOOLS_SERVICE_NAME (infra/stacks/orders-pipeline-stack.ts). */
const API_SERVICE = 'orders-api';
/** The consumer's one summary line per batch (functions/consumer/handler.ts); the API's batch-intake line says it too. */
const CONSUMER_BATCH_MESSAGE = 'batch processed';

const parsed = (line: string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

export const classifyLogLine = (line: string): LogLineKind => {
  const fields = parsed(line);
  if (!fields) return 'other';
  const aws = fields._aws as { CloudWatchMetrics?: unknown } | undefined;
  if (typeof aws === 'object' && aws !== null && Array.isArray(aws.CloudWatchMetrics)) return 'emf';
  if (typeof fields.type === 'string' && fields.type.startsWith('platform.')) return 'lambdaPlatform';
  if ('routeKey' in fields && 'requestTime' in fields) return 'accessLog';
  // Before the batch line: the API's POST /orders/batch line has the same message, and it is a request's line.
  if (fields.service === API_SERVICE && typeof fields.level === 'string') return 'apiRequest';
  if (fields.message === CONSUMER_BATCH_MESSAGE) return 'consumerBatch';
  return 'other';
};

export const noLogBytes = (): Record<LogLineKind, number> =>
  Object.fromEntries(LOG_LINE_KINDS.map((kind) => [kind, 0])) as Record<LogLineKind, number>;

/**
 * Bytes of a log file's content by kind, each line with its newline: they add up to the content's size exactly (a
 * last line without a newline counts without one).
 */
export const logBytesByKind = (content: Buffer): Record<LogLineKind, number> => {
  const bytes = noLogBytes();
  let start = 0;
  while (start < content.length) {
    const newline = content.indexOf(0x0a, start);
    const end = newline === -1 ? content.length : newline + 1;
    bytes[classifyLogLine(content.subarray(start, newline === -1 ? end : newline).toString('utf8'))] += end - start;
    start = end;
  }
  return bytes;
};

export const addLogBytes = (a: LogBytesByKind, b: LogBytesByKind): Record<LogLineKind, number> =>
  Object.fromEntries(LOG_LINE_KINDS.map((kind) => [kind, a[kind] + b[kind]])) as Record<LogLineKind, number>;

export const totalLogBytes = (bytes: LogBytesByKind): number => LOG_LINE_KINDS.reduce((sum, kind) => sum + bytes[kind], 0);
