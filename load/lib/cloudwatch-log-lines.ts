/**
 * Log lines CloudWatch Logs ingests besides what the functions write, which the local runtime does not produce: Lambda's
 * own lines per invocation and the HTTP API's access-log line per request. Estimated from one realistic line each
 * (their shapes as AWS documents them, ids and values as long as real ones), so the per-order log ingestion figure
 * counts them. Cold starts add a platform.initStart line, not counted.
 */
import type { SystemLogLevel } from '../../infra/config/stages';

const TRACING = {
  spanId: '2a6c1c4a1e4d0a6b',
  type: 'X-Amzn-Trace-Id',
  value: 'Root=1-6751a2b4-3c8f1d2e4b5a69788a9b0c1d;Parent=2a6c1c4a1e4d0a6b;Sampled=1',
};
const REQUEST_ID = '9ce3c11d-651c-45ab-975c-14549c9ad046';

/**
 * The functions log in JSON, so Lambda writes its START, END and REPORT lines as platform.start, platform.runtimeDone
 * and platform.report, each at the level AWS's "System log level event mapping" gives a successful invocation
 * (Lambda developer guide, "Log-level filtering", docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html,
 * read 2026-12-07: at the default INFO Lambda sends the "start" and "report" lines; the table's rows as an emulator
 * reproduces them, the page's table itself could not be read here). A failed invocation's runtimeDone and report are
 * WARN and reach CloudWatch at every level: not counted (the local runtime does not count failures per function).
 */
const PLATFORM_LINES: readonly { readonly level: SystemLogLevel; readonly line: object }[] = [
  {
    level: 'INFO',
    line: {
      time: '2026-11-30T16:11:08.546Z',
      type: 'platform.start',
      record: { requestId: REQUEST_ID, version: '$LATEST', tracing: TRACING },
    },
  },
  {
    level: 'DEBUG',
    line: {
      time: '2026-11-30T16:11:08.599Z',
      type: 'platform.runtimeDone',
      record: { requestId: REQUEST_ID, status: 'success', tracing: TRACING, metrics: { durationMs: 53.12, producedBytes: 44 } },
    },
  },
  {
    level: 'INFO',
    line: {
      time: '2026-11-30T16:11:08.600Z',
      type: 'platform.report',
      record: {
        requestId: REQUEST_ID,
        metrics: { durationMs: 53.12, billedDurationMs: 54, memorySizeMB: 256, maxMemoryUsedMB: 91 },
        tracing: TRACING,
        status: 'success',
      },
    },
  },
];

const SYSTEM_LEVEL_RANK: Readonly<Record<SystemLogLevel, number>> = { DEBUG: 0, INFO: 1, WARN: 2 };

const bytesOf = (line: object | string) => Buffer.byteLength(`${typeof line === 'string' ? line : JSON.stringify(line)}\n`);

/** Bytes of Lambda's platform lines for one successful invocation at the function's SystemLogLevel (Lambda's default INFO). */
export const lambdaPlatformBytesPerInvocation = (systemLogLevel: SystemLogLevel = 'INFO'): number =>
  PLATFORM_LINES.filter(({ level }) => SYSTEM_LEVEL_RANK[level] >= SYSTEM_LEVEL_RANK[systemLogLevel]).reduce(
    (sum, { line }) => sum + bytesOf(line),
    0,
  );

/** Values as long as real ones, for a SigV4 caller as on staging and prod, of the variables an access-log format may use. */
const CONTEXT_VARIABLE_EXAMPLES: Readonly<Record<string, string>> = {
  '$context.requestId': 'Fq3xYgVjIAMEV-Q=',
  '$context.requestTime': '30/Nov/2026:16:11:08 +0000',
  '$context.identity.userArn': 'arn:aws:sts::123456789012:assumed-role/orders-client/orders-client',
  '$context.authorizer.claims.sub': '5f1c7a2e-8d3b-4c61-9e0a-7b2d4f6a8c10',
  '$context.authorizer.error': '-',
  '$context.identity.sourceIp': '203.0.113.10',
  '$context.routeKey': 'POST /orders',
  '$context.status': '202',
  '$context.integrationLatency': '48',
  '$context.integrationErrorMessage': '-',
};

export class UnknownAccessLogVariableError extends Error {
  override readonly name = 'UnknownAccessLogVariableError';
  constructor(variable: string) {
    super(
      `The access-log format uses ${variable}, which load/lib/cloudwatch-log-lines.ts has no example value for: add one, as long as a real value, so the log-ingestion estimate counts it.`,
    );
  }
}

/** One access-log line in `format` (the stage's AccessLogSettings.Format), with every $context variable an example value. */
export const accessLogLineExample = (format: string): string =>
  format.replace(/\$context\.[A-Za-z0-9_.]+/g, (variable) => {
    const example = CONTEXT_VARIABLE_EXAMPLES[variable];
    if (example === undefined) throw new UnknownAccessLogVariableError(variable);
    return example;
  });

/** Bytes CloudWatch ingests per HTTP API request for an access log in `format`; none without an access log. */
export const accessLogBytesPerRequest = (format: string | undefined): number =>
  format === undefined ? 0 : bytesOf(accessLogLineExample(format));

/** The HTTP API stage's access-log format in a synthesized template, if it has an access log. */
export const accessLogFormatOf = (template: { readonly Resources?: Readonly<Record<string, unknown>> }): string | undefined => {
  for (const resource of Object.values(template.Resources ?? {})) {
    const { Type, Properties } = resource as { Type?: string; Properties?: { AccessLogSettings?: { Format?: unknown } } };
    const format = Properties?.AccessLogSettings?.Format;
    if (Type === 'AWS::ApiGatewayV2::Stage' && typeof format === 'string') return format;
  }
  return undefined;
};
