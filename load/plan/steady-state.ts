import { AWS_MODEL, type AwsModel } from './aws-model';
import type { DeployedStage } from './deployed-stage';
import { inFlightConcurrencyCeiling, mappingCeiling, onDemandWriteCeiling, recordsPerBatch } from './rules';
import type { StageWork } from './work';

/** One limit on the orders a second a stage sustains, and what lifts it. */
export interface Limit {
  readonly name: string;
  /** Orders a second this limit allows on its own. */
  readonly ordersPerSecond: number;
  /** A stage setting (infra/config/stages.ts) or an AWS quota (ask AWS). */
  readonly kind: 'setting' | 'quota';
  /** What to change to reach `target` orders a second. */
  readonly toReach: (target: number) => string;
}

export interface SteadyState {
  readonly ordersPerRequest: number;
  /** Ascending: the first is the bottleneck. */
  readonly limits: readonly Limit[];
  readonly sustainableOrdersPerSecond: number;
}

const whole = (value: number) => Math.ceil(value).toLocaleString('en-US');

/**
 * The highest rate each limit allows when the pipeline runs full (every batch full, every poller busy), for one intake
 * mode (orders per request). The table is taken as its new-table (or warm) ceiling: a table that has held a higher
 * peak takes more, but a launch starts cold.
 */
export const steadyState = (
  stage: DeployedStage,
  work: StageWork,
  ordersPerRequest: number,
  options: { readonly accountConcurrency?: number; readonly model?: AwsModel } = {},
): SteadyState => {
  const model = options.model ?? AWS_MODEL;
  const account = options.accountConcurrency ?? model.accountConcurrency.value;
  const batch = recordsPerBatch(stage.consumer.batchSize, work.recordEventBytes, model);
  const batchSeconds = work.consumerSeconds(batch);
  const apiConcurrencyPerOrder = work.apiSecondsPerRequest / ordersPerRequest;
  const consumerConcurrencyPerOrder = batchSeconds / batch;
  const consumerCeiling = Math.min(mappingCeiling(stage.consumer, model), stage.consumer.reservedConcurrency ?? Number.POSITIVE_INFINITY);
  const ordersTable = stage.tables[0] ?? { onDemand: true };
  const tableCeiling = onDemandWriteCeiling(ordersTable, 0, model);
  const limits: Limit[] = [
    {
      name: 'HTTP API stage throttle (throttlingRateLimit)',
      ordersPerSecond: stage.api.throttleRate * ordersPerRequest,
      kind: 'setting',
      toReach: (target) => `set api.throttlingRateLimit to at least ${whole(target / ordersPerRequest)} requests/s`,
    },
    {
      name: 'API Gateway account throttle (10,000 requests/s shared by all APIs)',
      ordersPerSecond: model.apiAccountRate.value * ordersPerRequest,
      kind: 'quota',
      toReach: (target) =>
        `ask AWS to raise the API Gateway account throttle to ${whole(target / ordersPerRequest)} requests/s, or send more orders per POST /orders/batch`,
    },
    {
      name: `Lambda account concurrency (${account.toLocaleString('en-US')}, API + consumer)`,
      ordersPerSecond: account / (apiConcurrencyPerOrder + consumerConcurrencyPerOrder),
      kind: 'quota',
      toReach: (target) =>
        `ask AWS for ${whole(target * (apiConcurrencyPerOrder + consumerConcurrencyPerOrder) * 1.2)} concurrent executions (with 20 % headroom)`,
    },
    {
      name: `Lambda invoke rate (${model.requestsPerSecondPerConcurrency.value} × account concurrency)`,
      ordersPerSecond: (model.requestsPerSecondPerConcurrency.value * account) / (1 / ordersPerRequest + 1 / batch),
      kind: 'quota',
      toReach: (target) =>
        `ask for account concurrency of ${whole((target * (1 / ordersPerRequest + 1 / batch)) / model.requestsPerSecondPerConcurrency.value)} (the invoke rate quota follows it)`,
    },
    {
      name: stage.consumer.provisionedPollers
        ? `consumer mapping, provisioned (${stage.consumer.provisionedPollers.maximum} pollers)`
        : `consumer mapping concurrency (MaximumConcurrency ${stage.consumer.maxConcurrency ?? 'unset'}, at most ${model.standardMaxInvokes.value})`,
      ordersPerSecond: consumerCeiling / consumerConcurrencyPerOrder,
      kind: 'setting',
      toReach: (target) => {
        const needed = Math.ceil(target * consumerConcurrencyPerOrder);
        if (needed <= model.maximumConcurrencyRange.value && !stage.consumer.provisionedPollers)
          return `set consumer.maxConcurrency to at least ${needed}`;
        if (needed <= model.provisionedMaxConcurrency.value)
          return `use provisioned mode with at least ${Math.ceil(needed / model.invokesPerPoller.value)} maximum pollers (${needed} concurrent invokes)`;
        return `${needed} concurrent invokes is beyond one mapping's 20,000: raise the batch size or split the queue`;
      },
    },
    {
      name: 'SQS in-flight messages (about 120,000 per queue)',
      ordersPerSecond: (inFlightConcurrencyCeiling(batch, model) * batch) / batchSeconds,
      kind: 'quota',
      toReach: (target) =>
        `ask AWS to raise the queue's in-flight limit to ${whole(target * batchSeconds)} messages, or shorten the consumer's time per batch`,
    },
    {
      name: ordersTable.warmWriteUnits
        ? `orders table warm throughput (${ordersTable.warmWriteUnits} WRU/s)`
        : 'orders table, new on-demand (4,000 WRU/s until it has held a higher peak)',
      ordersPerSecond: tableCeiling / work.writeUnitsPerOrder,
      kind: 'setting',
      toReach: (target) =>
        `pre-warm the orders table to ${whole(target * work.writeUnitsPerOrder)} write units/s (WarmThroughput), or ramp traffic up over 30-minute steps of at most 2×`,
    },
    {
      name: 'DynamoDB per-table quota (40,000 WRU/s)',
      ordersPerSecond: model.ddbTableWriteQuota.value / work.writeUnitsPerOrder,
      kind: 'quota',
      toReach: (target) => `ask AWS to raise the per-table write quota to ${whole(target * work.writeUnitsPerOrder)} WRU/s`,
    },
  ];
  const sorted = limits.sort((a, b) => a.ordersPerSecond - b.ordersPerSecond);
  return { ordersPerRequest, limits: sorted, sustainableOrdersPerSecond: sorted[0].ordersPerSecond };
};

/** What to change, setting by setting and quota by quota, to sustain `target` orders a second. */
export const changesToReach = (state: SteadyState, target: number): { readonly limit: string; readonly change: string }[] =>
  state.limits.filter((limit) => limit.ordersPerSecond < target).map((limit) => ({ limit: limit.name, change: limit.toReach(target) }));
