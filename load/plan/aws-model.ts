/**
 * Every AWS limit and scaling rule the capacity planner uses, as data, each with where it comes from and when it was
 * checked. Prices live in one home, load/lib/cost-model.ts (US_EAST_1_PRICES); the tiers the monthly cost adds on top
 * are here because only the planner uses them. `confirmed: false` marks a figure no AWS page confirmed: the planner
 * still uses it (there is nothing better) and the report says so next to it.
 *
 * Read in the AWS pages themselves on 2026-12-07: Lambda's scaling rate, MaximumConcurrency's range, the standard SQS
 * mapping's 5 / +300 a minute / 1,250, provisioned mode's 1,000 a minute and 20,000, a new on-demand table's 4,000
 * writes and 2× previous peak, API Gateway's account throttle, SQS's in-flight limit and 1,769 MB per vCPU. The others
 * come from the team's compiled notes of the same date, with the sources they name.
 */
export interface Sourced {
  readonly value: number;
  readonly unit: string;
  /** What the number means, in one sentence. */
  readonly rule: string;
  /** Document title and URL. */
  readonly source: string;
  readonly checked: string;
  /** An AWS page states it; false: a field report, a third-party page or an inference (the note says which). */
  readonly confirmed: boolean;
  readonly note?: string;
}

const CHECKED = '2026-12-07';

const LAMBDA_SCALING = 'AWS Lambda Developer Guide, "Lambda scaling behavior", docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html';
const LAMBDA_QUOTAS = 'AWS Lambda Developer Guide, "Lambda quotas", docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html';
const SQS_ESM_SCALING =
  'AWS Lambda Developer Guide, "Configuring scaling behavior for SQS event source mappings", docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html';
const PROVISIONED_BLOG =
  'AWS News Blog, "AWS Lambda enhances event processing with provisioned mode for SQS event-source mapping" (GA 2025-11-14), aws.amazon.com/blogs/aws/aws-lambda-enhances-sqs-processing-with-new-provisioned-mode-3x-faster-scaling-16x-higher-capacity';
const DDB_ON_DEMAND =
  'Amazon DynamoDB Developer Guide, "DynamoDB on-demand capacity mode" (Initial throughput and scaling properties), docs.aws.amazon.com/amazondynamodb/latest/developerguide/on-demand-capacity-mode.html';
const DDB_QUOTAS =
  'Amazon DynamoDB Developer Guide, "Quotas in Amazon DynamoDB", docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html';
const APIGW_QUOTAS =
  'Amazon API Gateway Developer Guide, "Amazon API Gateway quotas", docs.aws.amazon.com/apigateway/latest/developerguide/limits.html';
const SQS_QUOTAS =
  'Amazon SQS Developer Guide, "Amazon SQS standard queue quotas", docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-queues.html';

export const AWS_MODEL = {
  lambdaScalingPer10Seconds: {
    value: 1000,
    unit: 'environments / 10 s / function',
    rule: 'Each function gains at most 1,000 execution environments every 10 s, refilled continuously; beyond that, 429.',
    source: LAMBDA_SCALING,
    checked: CHECKED,
    confirmed: true,
  },
  accountConcurrency: {
    value: 1000,
    unit: 'concurrent executions / Region',
    rule: 'Default concurrency of all functions of an account in a Region (a soft quota).',
    source: LAMBDA_QUOTAS,
    checked: CHECKED,
    confirmed: true,
  },
  newAccountConcurrency: {
    value: 10,
    unit: 'concurrent executions / Region',
    rule: 'What a new account often starts with; AWS raises it with usage.',
    source: `${LAMBDA_QUOTAS} (says only "reduced"); the figure is from field reports (e.g. GitHub aws-samples/one-observability-demo#278, 2024-05)`,
    checked: CHECKED,
    confirmed: false,
    note: 'AWS publishes no number; ask for the increase before a launch on a new account.',
  },
  unreservedConcurrencyFloor: {
    value: 100,
    unit: 'concurrent executions',
    rule: 'Lambda keeps this much of the account concurrency unreserved; reserved concurrency can take the rest.',
    source:
      'AWS Lambda Developer Guide, "Configuring reserved concurrency", docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html',
    checked: CHECKED,
    confirmed: true,
  },
  requestsPerSecondPerConcurrency: {
    value: 10,
    unit: 'requests/s per unit of account concurrency',
    rule: "An account's invoke rate quota is 10 × its concurrency (10,000 requests/s at the default 1,000).",
    source: `${LAMBDA_SCALING} ("or 10,000 requests per second every 10 seconds") and ${LAMBDA_QUOTAS}`,
    checked: CHECKED,
    confirmed: false,
    note: 'The 10,000 requests/s scaling wording is on the page; the 10 × concurrency account quota was not found verbatim.',
  },
  megabytesPerVcpu: {
    value: 1769,
    unit: 'MB of memory per vCPU',
    rule: 'Lambda gives CPU in proportion to memory; at 1,769 MB a function has the equivalent of one vCPU.',
    source:
      'AWS Lambda Developer Guide, "Configure Lambda function memory", docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html',
    checked: CHECKED,
    confirmed: true,
  },
  invokePayloadBytes: {
    value: 6 * 1024 * 1024,
    unit: 'bytes',
    rule: 'A synchronous invoke (an SQS batch) carries at most 6 MB; the mapping invokes early when the batch would exceed it.',
    source: 'AWS Lambda API Reference, "Invoke"; AWS Lambda Developer Guide, "services-sqs-parameters" (BatchSize)',
    checked: CHECKED,
    confirmed: true,
  },
  standardStartInvokes: {
    value: 5,
    unit: 'concurrent invokes',
    rule: 'A standard-mode SQS mapping starts with 5 concurrent invokes when messages appear.',
    source: SQS_ESM_SCALING,
    checked: CHECKED,
    confirmed: true,
  },
  standardRampPerMinute: {
    value: 300,
    unit: 'concurrent invokes / minute',
    rule: 'While messages remain, a standard-mode mapping adds up to 300 concurrent invokes a minute (60 before 2023-11).',
    source: SQS_ESM_SCALING,
    checked: CHECKED,
    confirmed: true,
  },
  standardMaxInvokes: {
    value: 1250,
    unit: 'concurrent invokes / mapping',
    rule: 'A standard-mode mapping runs at most 1,250 invokes at once.',
    source: SQS_ESM_SCALING,
    checked: CHECKED,
    confirmed: true,
    note: 'Older copies of the same page say 1,000; the current English page says 1,250.',
  },
  maximumConcurrencyRange: {
    value: 1000,
    unit: 'concurrent invokes (2 to 1,000)',
    rule: 'ScalingConfig.MaximumConcurrency caps one mapping; 2 to 1,000; not with provisioned mode.',
    source: 'AWS CloudFormation Template Reference, "AWS::Lambda::EventSourceMapping ScalingConfig"',
    checked: CHECKED,
    confirmed: true,
  },
  provisionedRampPerMinute: {
    value: 1000,
    unit: 'concurrent executions / minute',
    rule: 'Provisioned mode scales up by up to 1,000 concurrent executions a minute.',
    source: PROVISIONED_BLOG,
    checked: CHECKED,
    confirmed: true,
  },
  provisionedMaxConcurrency: {
    value: 20000,
    unit: 'concurrent executions / mapping',
    rule: 'Provisioned mode reaches up to 20,000 concurrency per mapping.',
    source: PROVISIONED_BLOG,
    checked: CHECKED,
    confirmed: true,
  },
  invokesPerPoller: {
    value: 10,
    unit: 'concurrent invokes / event poller',
    rule: 'In provisioned mode an SQS event poller handles up to 10 concurrent invokes (or 1 MB/s, or 10 polls/s).',
    source: 'AWS Lambda Developer Guide, "services-sqs-parameters" (provisioned mode)',
    checked: CHECKED,
    confirmed: true,
  },
  sqsInFlightMessages: {
    value: 120_000,
    unit: 'messages in flight / queue',
    rule: 'A standard queue holds about 120,000 received and not deleted messages; beyond it long polls return nothing.',
    source: SQS_QUOTAS,
    checked: CHECKED,
    confirmed: true,
  },
  sqsBillingChunkBytes: {
    value: 64 * 1024,
    unit: 'bytes',
    rule: 'Each 64 KB chunk of a request payload is billed as one request.',
    source: 'Amazon SQS pricing, aws.amazon.com/sqs/pricing (read through third-party copies: cloudburn.io 2026)',
    checked: CHECKED,
    confirmed: false,
    note: 'The AWS pricing page could not be read here; the rule is long-standing and repeated by every copy.',
  },
  sqsMessagesPerReceive: {
    value: 10,
    unit: 'messages / ReceiveMessage or DeleteMessageBatch',
    rule: 'One ReceiveMessage returns at most 10 messages; one DeleteMessageBatch deletes at most 10.',
    source: 'Amazon SQS Developer Guide, "Amazon SQS message quotas"',
    checked: CHECKED,
    confirmed: true,
  },
  apiAccountRate: {
    value: 10_000,
    unit: 'requests/s / account / Region',
    rule: "API Gateway's account throttle, shared by every HTTP, REST and WebSocket API of the account in the Region.",
    source: APIGW_QUOTAS,
    checked: CHECKED,
    confirmed: true,
    note: 'Some newer Regions start at 2,500 requests/s with a burst of 1,250.',
  },
  apiAccountBurst: {
    value: 5000,
    unit: 'requests',
    rule: "The token bucket's burst of the account throttle.",
    source: APIGW_QUOTAS,
    checked: CHECKED,
    confirmed: true,
  },
  ddbNewTableWrites: {
    value: 4000,
    unit: 'write request units/s',
    rule: 'A new on-demand table sustains 4,000 writes/s (and 12,000 reads/s) at once.',
    source: DDB_ON_DEMAND,
    checked: CHECKED,
    confirmed: true,
  },
  ddbPeakMultiplier: {
    value: 2,
    unit: '× previous peak',
    rule: 'An on-demand table takes up to 2× its previous peak at once; more within 30 minutes may throttle.',
    source: DDB_ON_DEMAND,
    checked: CHECKED,
    confirmed: true,
  },
  ddbPeakWindowMinutes: {
    value: 30,
    unit: 'minutes',
    rule: 'How long traffic must stay at a level before it counts as the peak the next doubling starts from.',
    source: DDB_ON_DEMAND,
    checked: CHECKED,
    confirmed: true,
    note: 'The page says throttling may occur when traffic exceeds 2× the previous peak within 30 minutes; the planner reads that as: the peak of 30 minutes ago sets the ceiling.',
  },
  ddbTableWriteQuota: {
    value: 40_000,
    unit: 'write request units/s / table',
    rule: 'Default per-table throughput quota of an on-demand table (raisable in Service Quotas).',
    source: DDB_QUOTAS,
    checked: CHECKED,
    confirmed: true,
  },
  ddbPartitionWrites: {
    value: 1000,
    unit: 'write request units/s / partition',
    rule: 'One partition takes 1,000 WRU/s; orders are keyed by orderId, so writes spread over partitions.',
    source: 'Amazon DynamoDB Developer Guide, "Understanding DynamoDB warm throughput"',
    checked: CHECKED,
    confirmed: true,
  },
  ddbBatchWriteItems: {
    value: 25,
    unit: 'items / BatchWriteItem',
    rule: 'One BatchWriteItem writes at most 25 items; throttled ones come back as UnprocessedItems.',
    source: 'Amazon DynamoDB API Reference, "BatchWriteItem"',
    checked: CHECKED,
    confirmed: true,
  },
} as const satisfies Record<string, Sourced>;

export type AwsModel = typeof AWS_MODEL;

export interface PriceTier {
  /** Units a month up to which this price applies (Infinity for the last tier). */
  readonly upTo: number;
  readonly price: number;
}

/**
 * Volume tiers the monthly cost applies on top of US_EAST_1_PRICES (the first tier of each is the price there).
 * Checked 2026-12-07 from the copies named; the AWS pricing pages themselves could not be read here.
 */
export const PRICE_TIERS = {
  /** HTTP API requests a month: $1.00 per million for the first 300 million, $0.90 beyond (AWS whitepaper, pricing examples). */
  httpApiRequests: [
    { upTo: 300e6, price: 1.0 / 1e6 },
    { upTo: Number.POSITIVE_INFINITY, price: 0.9 / 1e6 },
  ],
  /**
   * Lambda log GB ingested a month, priced as vended logs since 2025-05-01: $0.50 first 10 TB, $0.25 next 20 TB,
   * $0.10 next 20 TB, $0.05 beyond (Duckbill Group worked example; AWS Bites ep. 144, 2025-05-22). Not confirmed on an
   * AWS page here.
   */
  lambdaLogGb: [
    { upTo: 10 * 1024, price: 0.5 },
    { upTo: 30 * 1024, price: 0.25 },
    { upTo: 50 * 1024, price: 0.1 },
    { upTo: Number.POSITIVE_INFINITY, price: 0.05 },
  ],
} as const satisfies Record<string, readonly PriceTier[]>;

/** What `units` cost under tiered prices. */
export const tieredCost = (units: number, tiers: readonly PriceTier[]): number => {
  let cost = 0;
  let from = 0;
  for (const tier of tiers) {
    const inTier = Math.max(0, Math.min(units, tier.upTo) - from);
    cost += inTier * tier.price;
    from = tier.upTo;
    if (units <= tier.upTo) break;
  }
  return cost;
};
