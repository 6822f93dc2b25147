/**
 * Log lines CloudWatch Logs ingests besides what the functions write, which the local runtime does not produce: Lambda's
 * own lines per invocation and the HTTP API's access-log line per request. Estimated from one realistic line each
 * (their shapes as AWS documents them, ids and values as long as real ones), so the per-order log ingestion figure
 * counts them. Cold starts add a platform.initStart line, not counted.
 */
const TRACING = {
  spanId: '2a6c1c4a1e4d0a6b',
  type: 'X-Amzn-Trace-Id',
  value: 'Root=1-6751a2b4-3c8f1d2e4b5a69788a9b0c1d;Parent=2a6c1c4a1e4d0a6b;Sampled=1',
};
const REQUEST_ID = '9ce3c11d-651c-45ab-975c-14549c9ad046';

/** The functions log in JSON, so Lambda writes its START and REPORT lines as platform.start and platform.report. */
const PLATFORM_LINES = [
  { time: '2026-11-30T16:11:08.546Z', type: 'platform.start', record: { requestId: REQUEST_ID, version: '$LATEST', tracing: TRACING } },
  {
    time: '2026-11-30T16:11:08.600Z',
    type: 'platform.report',
    record: {
      requestId: REQUEST_ID,
      metrics: { durationMs: 53.12, billedDurationMs: 54, memorySizeMB: 256, maxMemoryUsedMB: 91 },
      tracing: TRACING,
      status: 'success',
    },
  },
];

/** One access-log line in the stack's format (OrdersPipelineStack), for a SigV4 caller as on staging and prod. */
export const ACCESS_LOG_EXAMPLE = {
  requestId: 'Fq3xYgVjIAMEV-Q=',
  requestTime: '30/Nov/2026:16:11:08 +0000',
  callerAccountId: '123456789012',
  caller: 'AROA3XFRBF535PLBIFPI4:orders-client',
  user: 'AROA3XFRBF535PLBIFPI4:orders-client',
  userArn: 'arn:aws:sts::123456789012:assumed-role/orders-client/orders-client',
  principalOrgId: 'o-a1b2c3d4e5',
  jwtSubject: '-',
  authorizerError: '-',
  ip: '203.0.113.10',
  userAgent: 'aws-sdk-js/3.1162.0 ua/2.1 os/linux#6.1 lang/js md/nodejs#22.20.0 api/execute-api#3.1162.0',
  routeKey: 'POST /orders',
  status: '202',
  responseLength: '44',
  integrationLatency: '48',
  integrationError: '-',
};

const bytesOf = (line: object) => Buffer.byteLength(`${JSON.stringify(line)}\n`);

export const LOG_LINES_NOT_WRITTEN_LOCALLY = {
  /** platform.start + platform.report of one invocation. */
  lambdaPlatformBytesPerInvocation: PLATFORM_LINES.reduce((sum, line) => sum + bytesOf(line), 0),
  /** One access-log line per HTTP API request. */
  accessLogBytesPerRequest: bytesOf(ACCESS_LOG_EXAMPLE),
} as const;

export type LogLineEstimates = typeof LOG_LINES_NOT_WRITTEN_LOCALLY;
