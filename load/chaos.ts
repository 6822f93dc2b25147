import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import {
  DEAD_LETTER_ATTRIBUTES,
  ENV,
  type OrderRequest,
  type RedeliveryBackoff,
  redeliveryBackoffFor,
  redeliveryWindowSeconds,
} from '../shared-layer/src/tooling';
import { getStageConfig } from '../infra/config/stages';
import { FAULT_COUNTS, derivedRandom, newSeed, startPipeline } from '../local-runtime';
import { forEachConcurrently, generateOrder } from './lib/order-generator';
import { type CostBreakdown, measuredCostPerMillion } from './lib/cost-model';
import { type FixedMonthlyCost, fixedMonthlyObservabilityCost } from './lib/observability-cost';
import { throwIfInterrupted } from './lib/interrupt';
import { type Verification, settleAndVerify, verificationProblems } from './lib/pipeline-checks';

export interface ChaosOptions {
  readonly orders: number;
  readonly concurrency: number;
  /** Fraction of processed records delivered once more by the event source. */
  readonly duplicateRate: number;
  readonly throttleRate: number;
  readonly unprocessedRate: number;
  readonly crashRate: number;
  /** Poison messages sent straight to the queue, as a fraction of `orders`. */
  readonly poisonRate: number;
  readonly latencyMs: number;
  /** A throttle storm: every DynamoDB batch call is throttled for this many seconds from the first one (0: none). */
  readonly throttleStormSeconds: number;
  /**
   * The storm the consumer's redelivery backoff is sized to outlast, as a stage declares it in minutes (chaos shortens
   * it to the run). Absent: the longer of 1.25 × the storm and maxReceiveCount × the visibility timeout.
   */
  readonly stormToOutlastSeconds?: number;
  /** Visibility timeout for the run: short, so that retries after crashes finish in seconds. */
  readonly visibilityTimeoutSeconds: number;
  readonly consumerTimeoutSeconds: number;
  /** Seeds every random choice of the run (which orders fail, how), so a failing run can be replayed; absent, the run draws one. */
  readonly seed?: number;
}

export const DEFAULT_CHAOS: ChaosOptions = {
  orders: 1_000,
  concurrency: 16,
  duplicateRate: 0.1,
  throttleRate: 0.05,
  unprocessedRate: 0.02,
  crashRate: 0.01,
  poisonRate: 0.01,
  latencyMs: 0,
  throttleStormSeconds: 0,
  visibilityTimeoutSeconds: 8,
  consumerTimeoutSeconds: 6,
};

export interface ChaosReport {
  readonly options: ChaosOptions;
  /** The consumer's redelivery backoff for the run, and how long maxReceiveCount receives span with it. */
  readonly redelivery: RedeliveryBackoff & { readonly maxReceiveCount: number; readonly windowSeconds: number };
  /** The seed the run used: pass it as --seed to replay the same random choices. */
  readonly seed: number;
  /** Faults the runtime injected on the wire, by kind (throttled calls, withheld items, crashed environments). */
  readonly faultsInjected: { readonly throttledCalls: number; readonly unprocessedItems: number; readonly crashes: number };
  readonly seconds: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly stored: number;
  readonly verification: Verification;
  readonly duplicatesInjected: number;
  readonly consumerMetrics: Readonly<Record<string, number>>;
  readonly poisonSent: number;
  readonly deadLettered: Readonly<Record<string, number>>;
  readonly validOrdersInDlq: number;
  readonly invocations: number;
  readonly failedInvocations: Readonly<Record<string, number>>;
  readonly redeliveredRecords: number;
  readonly requests: Readonly<Record<string, number>>;
  readonly dynamoDbRequestsPer1000: number;
  readonly invocationsPer1000: number;
  /** US dollars per million orders at us-east-1 list prices, from what this run did (see load/lib/cost-model.ts). */
  readonly costPerMillion: { readonly pipeline: CostBreakdown; readonly naive: CostBreakdown };
  /** The stage's dashboard, alarms and metrics a month at list prices: paid whatever the traffic, so apart from the above. */
  readonly observabilityPerMonth: FixedMonthlyCost;
  readonly quiesced: boolean;
  readonly problems: readonly string[];
}

/** Three kinds of message no retry can fix, each tagged so that duplicates of it can be told apart. */
const poisonBody = (tag: string, kind: number): string =>
  [
    `not json at all ${tag}`,
    JSON.stringify({ version: 99, order: { orderId: tag }, acceptedAt: new Date().toISOString() }),
    JSON.stringify({ version: 1, order: { orderId: tag, customerId: '', currency: 'usd', items: [] }, acceptedAt: 'yesterday' }),
  ][kind % 3];

/** The local pipeline runs the dev stage: its maxReceiveCount, with a backoff sized to the run's storm. */
const redeliveryFor = (options: ChaosOptions): ChaosReport['redelivery'] => {
  const { maxReceiveCount } = getStageConfig('dev');
  const stormToOutlast =
    options.stormToOutlastSeconds ??
    Math.max(Math.ceil(options.throttleStormSeconds * 1.25), maxReceiveCount * options.visibilityTimeoutSeconds);
  const backoff = redeliveryBackoffFor(stormToOutlast, maxReceiveCount);
  return { ...backoff, maxReceiveCount, windowSeconds: redeliveryWindowSeconds(maxReceiveCount, backoff) };
};

/** What an interrupted chaos run had done (RunInterrupted's partial). */
export interface PartialChaosReport {
  readonly stoppedWhile: 'starting' | 'posting' | 'settling';
  readonly seconds: number;
  readonly posted: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly poisonSent: number;
  readonly consumerBatches: number;
}

/**
 * Sends orders through the local pipeline while DynamoDB misbehaves, the event source delivers
 * duplicates and poison messages arrive; waits until everything settles; then checks that every
 * accepted order is stored exactly once and unchanged. When `signal` aborts, it stops posting and
 * throws RunInterrupted with a PartialChaosReport, after stopping the pipeline.
 */
export const runChaos = async (options: ChaosOptions, log: (line: string) => void, signal?: AbortSignal): Promise<ChaosReport> => {
  const started = Date.now();
  const runId = `chaos-${Date.now().toString(36)}`;
  const seed = options.seed ?? newSeed();
  log(`seed ${seed} (replay with --seed ${seed})`);
  const redelivery = redeliveryFor(options);
  log(
    `starting the local runtime (visibility ${options.visibilityTimeoutSeconds} s, consumer timeout ${options.consumerTimeoutSeconds} s, ` +
      `redelivery backoff from ${redelivery.firstDelaySeconds} s: ${redelivery.maxReceiveCount} receives span ${redelivery.windowSeconds} s) ...`,
  );
  const pipeline = await startPipeline('orders-chaos-', {
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
    timeoutOverrides: { ConsumerFunction: options.consumerTimeoutSeconds },
    environmentOverrides: { ConsumerFunction: { [ENV.REDELIVERY_FIRST_DELAY_SECONDS]: String(redelivery.firstDelaySeconds) } },
    duplicateDeliveryRate: options.duplicateRate,
    faults: {
      throttleRate: options.throttleRate,
      unprocessedRate: options.unprocessedRate,
      crashRate: options.crashRate,
      latencyMs: options.latencyMs,
      unprocessedOrderIds: [],
      throttleStormSeconds: options.throttleStormSeconds,
    },
    seed,
  });
  const { runtime, sqs, batches } = pipeline;
  log(`live dashboard: ${runtime.dashboardUrl} (until the run ends)`);

  try {
    const accepted = new Map<string, OrderRequest>();
    let rejected = 0;
    let posted = 0;
    let poisonQueued = 0;
    const partial = (stoppedWhile: PartialChaosReport['stoppedWhile']) => (): PartialChaosReport => ({
      stoppedWhile,
      seconds: Math.round((Date.now() - started) / 100) / 10,
      posted,
      accepted: accepted.size,
      rejected,
      poisonSent: poisonQueued,
      consumerBatches: batches.length,
    });
    throwIfInterrupted(signal, partial('starting'));
    const orderRandom = derivedRandom(seed, 'orders');
    const orders = Array.from({ length: options.orders }, (_, i) => generateOrder(runId, i, orderRandom));
    log(`posting ${options.orders} orders with ${options.concurrency} connections ...`);
    const poisonSent = Math.round(options.orders * options.poisonRate);
    const poisonEvery = poisonSent > 0 ? Math.floor(options.orders / poisonSent) : Infinity;
    const poisonPrefix = `${runId}-poison-`;
    await forEachConcurrently(orders, options.concurrency, async (order, index) => {
      if (signal?.aborted) return;
      posted += 1;
      const response = await fetch(`${runtime.apiUrl}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(order),
      });
      await response.arrayBuffer();
      if (response.status === 202) accepted.set(order.orderId, order);
      else rejected += 1;
      if (index % poisonEvery === 0 && poisonQueued < poisonSent) {
        poisonQueued += 1;
        await sqs.send(
          new SendMessageCommand({
            QueueUrl: runtime.outputs.QueueUrl,
            MessageBody: poisonBody(`${poisonPrefix}${poisonQueued}`, poisonQueued),
          }),
        );
      }
      if ((index + 1) % Math.max(1, Math.floor(options.orders / 5)) === 0) log(`  posted ${index + 1}/${options.orders}`);
    });

    throwIfInterrupted(signal, partial('posting'));
    log('waiting for the pipeline to settle ...');
    const { quiesced, stored, verification } = await settleAndVerify(pipeline, runId, accepted, log, signal);
    throwIfInterrupted(signal, partial('settling'));

    const deadLettered: Record<string, number> = {};
    const poisonTagsDeadLettered = new Set<string>();
    let validOrdersInDlq = 0;
    for (let emptyReceives = 0; emptyReceives < 2; ) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: runtime.outputs.DeadLetterQueueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 600,
          MessageAttributeNames: ['All'],
        }),
      );
      emptyReceives = Messages.length === 0 ? emptyReceives + 1 : 0;
      for (const message of Messages) {
        const reason = message.MessageAttributes?.[DEAD_LETTER_ATTRIBUTES.errorType]?.StringValue ?? 'maxReceiveCount exceeded';
        deadLettered[reason] = (deadLettered[reason] ?? 0) + 1;
        const poisonTag = new RegExp(`${poisonPrefix}\\d+`).exec(message.Body ?? '')?.[0];
        if (poisonTag) poisonTagsDeadLettered.add(poisonTag);
        else if (message.Body?.includes(runId)) validOrdersInDlq += 1;
      }
    }

    // The EMF values each consumer invocation logged, as the runtime collected them; crashed invocations flush none.
    const consumerMetrics: Record<string, number> = {};
    for (const batch of batches) {
      for (const [name, value] of Object.entries(batch.metrics)) consumerMetrics[name] = (consumerMetrics[name] ?? 0) + value;
    }
    const failedInvocations: Record<string, number> = {};
    for (const batch of batches) {
      if (batch.error) {
        const kind = batch.error.split(':')[0];
        failedInvocations[kind] = (failedInvocations[kind] ?? 0) + 1;
      }
    }
    const requests = runtime.requestCounts();
    const dynamoDbRequests = Object.entries(requests)
      .filter(([operation]) => operation.startsWith('dynamodb:'))
      .reduce((sum, [, count]) => sum + count, 0);
    const per1000 = (count: number) => (accepted.size === 0 ? 0 : Math.round((count * 1000 * 10) / accepted.size) / 10);

    const problems = [
      ...(quiesced ? [] : ['the pipeline did not settle within 10 minutes']),
      ...verificationProblems(verification),
      ...(rejected > 0 ? [`${rejected} valid orders were not accepted`] : []),
      ...(validOrdersInDlq > 0 ? [`${validOrdersInDlq} valid orders ended in the DLQ`] : []),
      ...(poisonTagsDeadLettered.size === poisonSent
        ? []
        : [`${poisonSent} poison messages sent, ${poisonTagsDeadLettered.size} of them found in the DLQ`]),
    ];
    const costPerMillion = measuredCostPerMillion(runtime, pipeline.dataDir, accepted.size, stored);
    return {
      options,
      redelivery,
      seed,
      faultsInjected: {
        throttledCalls: requests[FAULT_COUNTS.throttled] ?? 0,
        unprocessedItems: requests[FAULT_COUNTS.unprocessedItems] ?? 0,
        crashes: requests[FAULT_COUNTS.crashes] ?? 0,
      },
      costPerMillion,
      observabilityPerMonth: fixedMonthlyObservabilityCost(runtime.assembly.template),
      seconds: Math.round((Date.now() - started) / 100) / 10,
      accepted: accepted.size,
      rejected,
      stored: stored.length,
      verification,
      duplicatesInjected: batches.reduce((sum, batch) => sum + batch.duplicatesInjected, 0),
      consumerMetrics,
      poisonSent,
      deadLettered,
      validOrdersInDlq,
      invocations: batches.length,
      failedInvocations,
      redeliveredRecords: batches.reduce((sum, batch) => sum + batch.receiveCounts.filter((count) => count > 1).length, 0),
      requests,
      dynamoDbRequestsPer1000: per1000(dynamoDbRequests),
      invocationsPer1000: per1000(batches.length),
      quiesced,
      problems,
    };
  } finally {
    await pipeline.stop();
  }
};
