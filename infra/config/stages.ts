import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

export type ApiAuth =
  /** Anyone who can reach the URL may post orders: dev only. */
  | { readonly type: 'none' }
  /** Callers sign requests with SigV4 and need execute-api:Invoke on the route. */
  | { readonly type: 'iam' }
  /** Callers send a JWT from this issuer (e.g. a Cognito user pool or an OIDC provider) for one of these audiences. */
  | { readonly type: 'jwt'; readonly issuer: string; readonly audience: readonly string[] };

/**
 * Lambda's levels for a function's own lines in JSON log format. INFO at most: EMF lines carry no `level`, Lambda files
 * a line without one under INFO, so a higher level would drop every metric (and the alarms and dashboard on them).
 */
export type ApplicationLogLevel = 'TRACE' | 'DEBUG' | 'INFO';
/** Lambda's levels for its own (platform) lines: INFO sends platform.start and platform.report, WARN only failures. */
export type SystemLogLevel = 'DEBUG' | 'INFO' | 'WARN';

/**
 * What Lambda sends to CloudWatch Logs, per stage: lines below a level are dropped before ingestion and never billed.
 * docs/operations.md, "Log levels per stage", says which saved query answers at which level.
 */
export interface LogLevels {
  /** Every function's own lines (Powertools' Logger and console). */
  readonly application: ApplicationLogLevel;
  /** The platform lines of the functions behind the HTTP API: a platform.start and a platform.report per request. */
  readonly requestFunctionsSystem: SystemLogLevel;
  /** The consumer's platform lines: one pair per batch (the batch-duration and cold-start queries read them). */
  readonly consumerSystem: SystemLogLevel;
}

export interface FunctionSettings {
  /**
   * Lambda gives CPU in proportion to memory (1,769 MB = one vCPU): a CPU-bound INIT takes 1,769 / memory times its
   * one-core time and costs the same GB-s at any memory below that, while handler time spent waiting on SQS or
   * DynamoDB costs GB-s in proportion to memory. So: the least memory whose modelled INIT the stage's latency allows.
   * Figures in docs/load-and-cost.md, "Memory per function".
   */
  readonly memorySizeMb: number;
  readonly timeout: Duration;
}

/**
 * The load a stage is built for and what it promises under it. `npm run plan` models the stage against it and
 * `npm run validate` fails a stage whose settings cannot hold it (see docs/capacity.md).
 */
export interface DesignLoad {
  /** Orders a second on an ordinary busy day. */
  readonly ordersPerSecond: number;
  /** A spike: this many times the rate, for this long. */
  readonly spikeFactor: number;
  readonly spikeMinutes: number;
  /** Accept → stored, 99th percentile, through the spike and its drain. */
  readonly acceptedToStoredP99Seconds: number;
  /** Orders per request the design assumes (1: POST /orders; more: POST /orders/batch). */
  readonly ordersPerRequest: number;
}

/**
 * CodeDeploy's predefined Lambda deployment configurations (AWS CodeDeploy User Guide, "Deployment configurations on an
 * AWS Lambda compute platform", checked 2026-12-07): a canary moves 10 % of invocations to the new version, waits,
 * then moves the rest; a linear shift moves 10 % more at each interval.
 */
export type TrafficShift =
  | 'Canary10Percent5Minutes'
  | 'Canary10Percent10Minutes'
  | 'Canary10Percent15Minutes'
  | 'Canary10Percent30Minutes'
  | 'Linear10PercentEvery1Minute'
  | 'Linear10PercentEvery2Minutes'
  | 'Linear10PercentEvery3Minutes'
  | 'Linear10PercentEvery10Minutes';

/**
 * How a deploy moves each function's `live` alias (which the HTTP API and the event source mapping invoke) to the new
 * version (docs/deploy.md, "Versions, aliases and traffic shifting").
 */
export type DeploymentSettings =
  /** CloudFormation points the alias at the new version as it updates the stack: every invocation at once. */
  { readonly strategy: 'all-at-once' } | CodeDeploySettings;

/** CodeDeploy shifts the alias's weights and rolls back when one of the stage's rollback alarms fires. */
export interface CodeDeploySettings {
  readonly strategy: 'codedeploy';
  /** For the functions behind the HTTP API (intake, order status, the OpenAPI document). */
  readonly api: TrafficShift;
  readonly consumer: TrafficShift;
  /**
   * Rolls back when the new version alone fails this many invocations in a minute (crashes, timeouts: the Errors
   * metric by ExecutedVersion). It sees a bad version sooner than the stage-wide alarms, which its share dilutes.
   */
  readonly newVersionErrorsPerMinute: number;
}

export interface StageConfig {
  readonly stageName: string;
  readonly designLoad: DesignLoad;
  readonly api: FunctionSettings & {
    readonly auth: ApiAuth;
    readonly throttlingRateLimit: number;
    readonly throttlingBurstLimit: number;
  };
  readonly consumer: FunctionSettings & {
    /** Records per invocation; above 10, AWS requires a batching window. */
    readonly batchSize: number;
    readonly maxBatchingWindow: Duration;
    /** Upper bound of concurrent consumer invocations (2..1000); standard mode only. */
    readonly maxConcurrency: number;
    /**
     * How long DynamoDB may throttle (or answer 5xx) before a valid order reaches the DLQ: the stack sizes the
     * consumer's redelivery backoff so that maxReceiveCount receives span at least this (docs/design.md, "Throttle storms").
     */
    readonly throttleStormToOutlast: Duration;
    /**
     * Provisioned mode for the SQS mapping (GA 2025-11-14): this many event pollers ready (10 concurrent invokes each),
     * scaling up by 1,000 concurrent executions a minute. AWS refuses it together with MaximumConcurrency, so the
     * mapping then deploys without maxConcurrency. Choose it where `npm run plan` shows the standard ramp (5 invokes,
     * +300 a minute) too slow for the declared spike; minimum pollers are billed whether busy or not.
     */
    readonly provisionedPollers?: { readonly minimum: number; readonly maximum: number };
  };
  /** Memory of the two read functions, GET /orders/{orderId} and GET /openapi.json (see FunctionSettings.memorySizeMb). */
  readonly readFunctionsMemoryMb: { readonly orderStatus: number; readonly openApi: number };
  readonly deployment: DeploymentSettings;
  /** Receives before SQS moves a message to the DLQ. */
  readonly maxReceiveCount: number;
  readonly logLevels: LogLevels;
  readonly logRetention: RetentionDays;
  /** The API's access log: who called it (IAM identity, source IP). Kept a year in prod for audits. */
  readonly accessLogRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  readonly pointInTimeRecovery: boolean;
  /** DynamoDB refuses DeleteTable (console, CLI or a stack update that replaces the table) until this is turned off. */
  readonly deletionProtection: boolean;
  readonly alarms: {
    /** Alarm when the DLQ holds at least this many visible messages. */
    readonly deadLetterMessages: number;
    /** Alarm when the oldest message on the main queue is older than this. */
    readonly oldestMessageAge: Duration;
    /** Subscribed by e-mail to the alarm topic when set (AWS asks the address to confirm first). */
    readonly notificationEmail?: string;
    /**
     * Alarm when the consumer fails this many invocations in 5 minutes. It reports unstored records as partial batch
     * failures, so an Errors datapoint is a crash, a timeout or an unhandled error: a whole batch comes back.
     */
    readonly consumerErrors: number;
    /** Alarm when this many consumer invocations are throttled in 5 minutes (each puts a batch back on the queue). */
    readonly consumerThrottles: number;
    /** Alarm when at least this percent of API requests answer 5xx in 5 minutes, counted only from `minimumRequests`. */
    readonly apiServerErrors: { readonly percent: number; readonly minimumRequests: number };
    /** Alarm when both tables together throttle this many reads and writes in each of two consecutive 5-minute periods. */
    readonly tableThrottleEvents: number;
  };
}

const stages = {
  dev: {
    stageName: 'dev',
    designLoad: { ordersPerSecond: 2, spikeFactor: 10, spikeMinutes: 10, acceptedToStoredP99Seconds: 60, ordersPerRequest: 1 },
    // Memory from `npm run tune -- --memory` (2026-12-07, two runs, figures in docs/load-and-cost.md): the least GB-s
    // whose modelled handler p99 <= 500 ms (a batch's <= 2 s) and worst INIT <= 2 s. API 256 MB: p99 271-278 ms, worst
    // INIT 1.37-1.46 s, $0.20-0.23 per million orders; 128 MB's INIT models at 2.47-2.76 s.
    api: { memorySizeMb: 256, timeout: Duration.seconds(10), auth: { type: 'none' }, throttlingRateLimit: 50, throttlingBurstLimit: 100 },
    consumer: {
      // 256 MB (was 512): a batch of 100 at p99 595-643 ms, INIT 1.12-1.14 s, $0.017-0.018 per million against
      // $0.021-0.022 at 512 MB; 128 MB's INIT models at 2.13 s.
      memorySizeMb: 256,
      timeout: Duration.seconds(30),
      batchSize: 100,
      maxBatchingWindow: Duration.seconds(1),
      maxConcurrency: 2,
      throttleStormToOutlast: Duration.minutes(10),
    },
    // OrderStatus 256 MB (was 128): p99 184-260 ms, INIT 1.33-1.36 s; 128 MB's INIT models at 2.7 s. OpenApi 128 MB:
    // p99 under 4 ms, INIT 0.7-1.0 s.
    readFunctionsMemoryMb: { orderStatus: 256, openApi: 128 },
    // Deployed and broken on purpose all day: a deploy takes effect at once, nothing to wait for or roll back.
    deployment: { strategy: 'all-at-once' },
    maxReceiveCount: 3,
    // Per request, Lambda's two platform lines cost more than the order's own lines (docs/load-and-cost.md): dev keeps
    // only failed invocations' for the API, and every batch's for the consumer (the batch-duration query).
    logLevels: { application: 'INFO', requestFunctionsSystem: 'WARN', consumerSystem: 'INFO' },
    logRetention: RetentionDays.ONE_WEEK,
    accessLogRetention: RetentionDays.ONE_WEEK,
    removalPolicy: RemovalPolicy.DESTROY,
    pointInTimeRecovery: false,
    deletionProtection: false,
    alarms: {
      deadLetterMessages: 1,
      oldestMessageAge: Duration.minutes(15),
      // dev is deployed and broken on purpose all day: alarm on a pattern, not on one bad deploy or request.
      consumerErrors: 5,
      consumerThrottles: 5,
      apiServerErrors: { percent: 10, minimumRequests: 20 },
      tableThrottleEvents: 100,
    },
  },
  staging: {
    stageName: 'staging',
    designLoad: { ordersPerSecond: 10, spikeFactor: 10, spikeMinutes: 10, acceptedToStoredP99Seconds: 30, ordersPerRequest: 1 },
    // As dev (the same bounds in `npm run tune -- --memory --stage staging`): the same code and request pattern at a few
    // times its rate.
    api: { memorySizeMb: 256, timeout: Duration.seconds(10), auth: { type: 'iam' }, throttlingRateLimit: 200, throttlingBurstLimit: 400 },
    consumer: {
      memorySizeMb: 256,
      timeout: Duration.seconds(30),
      batchSize: 100,
      maxBatchingWindow: Duration.seconds(2),
      maxConcurrency: 5,
      throttleStormToOutlast: Duration.minutes(10),
    },
    readFunctionsMemoryMb: { orderStatus: 256, openApi: 128 },
    // The same shifts as prod, so that a release is rehearsed the way prod will take it.
    deployment: {
      strategy: 'codedeploy',
      api: 'Canary10Percent5Minutes',
      consumer: 'Linear10PercentEvery1Minute',
      newVersionErrorsPerMinute: 1,
    },
    maxReceiveCount: 5,
    // Load tests run here: every invocation's duration and cold start, as prod has them.
    logLevels: { application: 'INFO', requestFunctionsSystem: 'INFO', consumerSystem: 'INFO' },
    logRetention: RetentionDays.ONE_MONTH,
    accessLogRetention: RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
    pointInTimeRecovery: true,
    deletionProtection: false,
    alarms: {
      deadLetterMessages: 1,
      oldestMessageAge: Duration.minutes(10),
      // Load tests run here: a few errors in a run are worth a look, a lone one is not.
      consumerErrors: 3,
      consumerThrottles: 1,
      apiServerErrors: { percent: 5, minimumRequests: 20 },
      tableThrottleEvents: 50,
    },
  },
  prod: {
    stageName: 'prod',
    designLoad: { ordersPerSecond: 200, spikeFactor: 10, spikeMinutes: 10, acceptedToStoredP99Seconds: 30, ordersPerRequest: 1 },
    api: {
      // Memory from `npm run tune -- --memory --stage prod` (2026-12-07, two runs, docs/load-and-cost.md): the least
      // GB-s whose modelled handler p99 <= 200 ms (a batch's <= 1 s) and worst INIT <= 1 s, as a spike starts hundreds of
      // environments and each INIT sits in some client's p99. 512 MB: p99 140 ms, worst INIT 0.77-0.88 s, $0.34-0.35
      // per million orders; 256 MB's INIT models at 1.39-1.47 s.
      memorySizeMb: 512,
      timeout: Duration.seconds(10),
      auth: { type: 'iam' },
      // npm run plan: at 1,000 requests/s the design spike (10 × 200 orders/s) refused half its orders. 2,500 holds it
      // with 25 % headroom; the burst stays within the account's 5,000 that every API of the account shares.
      throttlingRateLimit: 2500,
      throttlingBurstLimit: 5000,
    },
    consumer: {
      // 512 MB (was 1,024): a batch of 200 at p99 664-686 ms, worst INIT 0.55-0.75 s, $0.018-0.021 per million
      // ($0.022-0.029 at 1,024 MB); 256 MB's batch p99 models at 1.19-1.30 s. npm run plan still holds the design
      // spike at 512 MB (accept→stored p99 1.4 s).
      memorySizeMb: 512,
      timeout: Duration.seconds(60),
      batchSize: 200,
      maxBatchingWindow: Duration.seconds(5),
      maxConcurrency: 20,
      // A regional DynamoDB event or a table far over its on-demand peak can last this long; orders wait, none is lost.
      throttleStormToOutlast: Duration.hours(1),
    },
    deployment: {
      strategy: 'codedeploy',
      // 10 % of requests for 5 minutes: at 200 orders/s, about 6,000 requests on the new version before the rest.
      api: 'Canary10Percent5Minutes',
      // Ten steps a minute apart: a bad consumer meets a tenth of the batches first, while its failures return to the
      // queue and are retried (often by the old version) instead of reaching the DLQ.
      consumer: 'Linear10PercentEvery1Minute',
      // One crash can be a blip (a DynamoDB timeout); two in a minute from a version that serves a tenth is a pattern.
      newVersionErrorsPerMinute: 2,
    },
    // OrderStatus 512 MB (was 128): p99 85-131 ms, INIT 0.44-0.71 s; 256 MB (p99 168 and 254 ms) met 200 ms in one run
    // of two. OpenApi 256 MB (was 128): INIT 0.39-0.59 s; 128 MB's modelled at 0.76 s in one run and 1.11 s in the other.
    readFunctionsMemoryMb: { orderStatus: 512, openApi: 256 },
    maxReceiveCount: 5,
    // The cold-start query needs every function's platform.report (its initDurationMs): worth its bytes in prod.
    logLevels: { application: 'INFO', requestFunctionsSystem: 'INFO', consumerSystem: 'INFO' },
    logRetention: RetentionDays.THREE_MONTHS,
    accessLogRetention: RetentionDays.ONE_YEAR,
    removalPolicy: RemovalPolicy.RETAIN,
    pointInTimeRecovery: true,
    deletionProtection: true,
    alarms: {
      deadLetterMessages: 1,
      oldestMessageAge: Duration.minutes(5),
      // One crash is a batch retried after the visibility timeout and usually heals; two in 5 minutes is a pattern.
      consumerErrors: 2,
      // maxConcurrency keeps the consumer within its share, so any throttle means the account's concurrency ran out;
      // each throttled batch counts as a receive and brings valid orders closer to the DLQ.
      consumerThrottles: 1,
      // 1 % of at least 50 requests (10 a minute): a real outage shows within one period, a lone 503 does not page.
      apiServerErrors: { percent: 1, minimumRequests: 50 },
      // One BatchWriteItem is 25 items: about a throttled batch per period, sustained for 10 minutes, is more than the
      // consumer's retries absorb.
      tableThrottleEvents: 25,
    },
  },
} as const satisfies Record<string, StageConfig>;

export type StageName = keyof typeof stages;
export const STAGE_NAMES = Object.keys(stages) as StageName[];

export class UnknownStageError extends Error {
  override readonly name = 'UnknownStageError';
  constructor(stage: string) {
    super(`Unknown stage "${stage}". Valid stages: ${STAGE_NAMES.join(', ')}. Pass one with -c stage=<name>.`);
  }
}

export const isStageName = (name: string): name is StageName => Object.hasOwn(stages, name);

export const getStageConfig = (name: string): StageConfig => {
  if (!isStageName(name)) throw new UnknownStageError(name);
  return stages[name];
};
