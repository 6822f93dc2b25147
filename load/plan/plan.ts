import { type CostBreakdown, costPerMillionOrders, ingestedLogBytes, type PipelineUsage, US_EAST_1_PRICES } from '../lib/cost-model';
import { accessLogBytesPerRequest } from '../lib/cloudwatch-log-lines';
import { type FixedMonthlyCost, fixedMonthlyObservabilityCost, type TemplateResources } from '../lib/observability-cost';
import { PRICE_TIERS, tieredCost } from './aws-model';
import type { DesignLoad } from '../../infra/config/stages';
import type { DeployedStage } from './deployed-stage';
import { type SimulationResult, simulate, spikeProfile, type TrafficProfile } from './simulate';
import { changesToReach, type SteadyState, steadyState } from './steady-state';
import { type MeasuredWork, type StageWork, stageWork } from './work';

export const TARGET_RATES = [1000, 10_000, 50_000] as const;

export interface MonthlyVolume {
  readonly ordersPerMonth: number;
  /** Share of orders that arrive through POST /orders/batch. */
  readonly batchShare: number;
}

export interface MonthlyCost {
  readonly volume: MonthlyVolume;
  readonly perMillion: { readonly single: CostBreakdown; readonly batch: CostBreakdown };
  /** Traffic at list prices with the volume tiers, plus the stage's fixed observability. */
  readonly traffic: number;
  readonly observability: FixedMonthlyCost;
  readonly total: number;
}

export interface DesignVerdict {
  readonly holds: boolean;
  /** Why not, naming the limit; empty when it holds. */
  readonly reasons: readonly string[];
}

export interface PlanResult {
  readonly stage: DeployedStage;
  readonly work: MeasuredWork;
  readonly scaled: StageWork;
  readonly steady: { readonly single: SteadyState; readonly batch: SteadyState };
  readonly targets: readonly { readonly ordersPerSecond: number; readonly changes: readonly { limit: string; change: string }[] }[];
  readonly profile: TrafficProfile;
  readonly spike: SimulationResult;
  readonly spikeCost: number;
  readonly monthly: MonthlyCost;
  readonly design: DesignLoad;
  readonly verdict: DesignVerdict;
}

export interface PlanOptions {
  readonly stage: DeployedStage;
  readonly template: TemplateResources;
  readonly work: MeasuredWork;
  readonly design: DesignLoad;
  /** Orders per request of batch intake. */
  readonly batchIntake: number;
  /** Overrides the design rate of the default profile. */
  readonly rate?: number;
  readonly profile?: TrafficProfile;
  readonly volume: MonthlyVolume;
  readonly seed: number;
  /** Minutes the orders table throttles every write, from the end of the first minute (a throttle storm). */
  readonly tableOutageMinutes?: number;
}

/** What the simulation counted, in the cost model's units. */
export const usageOf = (result: SimulationResult, stage: DeployedStage, work: MeasuredWork): PipelineUsage => ({
  orders: result.accepted,
  apiRequests: result.usage.apiRequests,
  functions: {
    [stage.api.logicalId]: {
      invocations: result.usage.apiRequests,
      durationMs: result.usage.apiDurationMs,
      initDurationMs: 0,
      memorySizeMb: stage.api.memoryMb,
      systemLogLevel: stage.api.systemLogLevel,
    },
    [stage.consumer.logicalId]: {
      invocations: result.consumerInvocations,
      durationMs: result.usage.consumerDurationMs,
      initDurationMs: 0,
      memorySizeMb: stage.consumer.memoryMb,
      systemLogLevel: stage.consumer.systemLogLevel,
    },
  },
  sqsRequests: result.usage.sqsRequests,
  dynamoDbReadUnits: 0,
  dynamoDbWriteUnits: result.usage.writeUnits,
  logBytes: result.usage.apiRequests * work.api.logBytesPerRequest + result.consumerInvocations * work.consumer.logBytesPerInvocation,
  accessLogBytesPerRequest: accessLogBytesPerRequest(stage.accessLogFormat),
});

const episodeCost = (result: SimulationResult, stage: DeployedStage, work: MeasuredWork): number =>
  (costPerMillionOrders(usageOf(result, stage, work)).total * result.accepted) / 1e6;

/** Cost per million orders at a steady rate, from two simulated minutes of it. */
const steadyCostPerMillion = (
  stage: DeployedStage,
  scaled: StageWork,
  work: MeasuredWork,
  rate: number,
  ordersPerRequest: number,
  seed: number,
) => {
  const result = simulate({
    stage,
    work: scaled,
    profile: { description: 'steady', segments: [{ atSecond: 0, ordersPerSecond: rate }], endSecond: 120 },
    ordersPerRequest,
    seed,
    stepSeconds: 0.2,
  });
  const usage = usageOf(result, stage, work);
  return { breakdown: costPerMillionOrders(usage), usage };
};

/** A month at `volume`: each intake's cost per million, the volume tiers on HTTP API requests and Lambda logs, the fixed observability. */
export const monthlyCost = (
  perMillion: { single: { breakdown: CostBreakdown; usage: PipelineUsage }; batch: { breakdown: CostBreakdown; usage: PipelineUsage } },
  volume: MonthlyVolume,
  template: TemplateResources,
): MonthlyCost => {
  const millions = volume.ordersPerMonth / 1e6;
  const share = { single: millions * (1 - volume.batchShare), batch: millions * volume.batchShare };
  const listTotal = share.single * perMillion.single.breakdown.total + share.batch * perMillion.batch.breakdown.total;
  const perOrder = (pick: (usage: PipelineUsage) => number) =>
    share.single * 1e6 * (pick(perMillion.single.usage) / Math.max(1, perMillion.single.usage.orders)) +
    share.batch * 1e6 * (pick(perMillion.batch.usage) / Math.max(1, perMillion.batch.usage.orders));
  const requests = perOrder((usage) => usage.apiRequests);
  const logGb = perOrder((usage) => ingestedLogBytes(usage)) / 1024 ** 3;
  // The tiers replace the flat list price of those two parts.
  const tierSavings =
    requests * US_EAST_1_PRICES.httpApiRequest -
    tieredCost(requests, PRICE_TIERS.httpApiRequests) +
    (logGb * US_EAST_1_PRICES.logsIngestionGb - tieredCost(logGb, PRICE_TIERS.lambdaLogGb));
  const traffic = listTotal - tierSavings;
  const observability = fixedMonthlyObservabilityCost(template);
  return {
    volume,
    perMillion: { single: perMillion.single.breakdown, batch: perMillion.batch.breakdown },
    traffic,
    observability,
    total: traffic + observability.total,
  };
};

/** Whether the stage holds its declared load: the steady rate, and the spike without refusals, DLQ moves or a late p99. */
export const judgeDesign = (design: DesignLoad, steady: SteadyState, spike: SimulationResult, profile: TrafficProfile): DesignVerdict => {
  const reasons: string[] = [];
  const peak = Math.max(...profile.segments.map((segment) => segment.ordersPerSecond));
  if (steady.sustainableOrdersPerSecond < design.ordersPerSecond) {
    reasons.push(
      `sustains ${Math.floor(steady.sustainableOrdersPerSecond)} orders/s, below the design ${design.ordersPerSecond}: limit "${steady.limits[0].name}"`,
    );
  }
  if (spike.throttled > 0) {
    // The API side's limits in the order they bind; the burst of a token bucket is what a short excess meets first.
    const refusing = steady.limits.find((limit) => limit.ordersPerSecond < peak && /API|Lambda/.test(limit.name));
    reasons.push(
      `refuses ${spike.throttled} orders at up to ${peak} orders/s (${profile.description}): limit "${refusing?.name ?? 'HTTP API stage throttle burst (throttlingBurstLimit)'}"`,
    );
  }
  if (spike.deadLettered > 0) reasons.push(`moves ${spike.deadLettered} valid orders to the DLQ (maxReceiveCount reached)`);
  const p99Seconds = spike.acceptedToStoredMs.p99 / 1000;
  if (p99Seconds > design.acceptedToStoredP99Seconds) {
    const slowest = steady.limits.find((limit) => limit.name.startsWith('consumer')) ?? steady.limits[0];
    reasons.push(
      `accept→stored p99 ${p99Seconds.toFixed(1)} s, above the objective ${design.acceptedToStoredP99Seconds} s: limit "${slowest.name}" (${Math.floor(slowest.ordersPerSecond)} orders/s)`,
    );
  }
  if (spike.drainSeconds === undefined) reasons.push('the queue does not drain within 2 hours of the clients stopping');
  return { holds: reasons.length === 0, reasons };
};

export const plan = (options: PlanOptions): PlanResult => {
  const { stage, work, design } = options;
  const scaled = stageWork(work, stage);
  const steady = { single: steadyState(stage, scaled, 1), batch: steadyState(stage, scaled, options.batchIntake) };
  const intake = design.ordersPerRequest > 1 ? steady.batch : steady.single;
  const rate = options.rate ?? design.ordersPerSecond;
  const traffic = options.profile ?? spikeProfile(rate, design.spikeFactor, design.spikeMinutes);
  const profile = options.tableOutageMinutes
    ? {
        ...traffic,
        description: `${traffic.description}; the orders table throttles every write for ${options.tableOutageMinutes} min from 60 s`,
      }
    : traffic;
  const spike = simulate({
    stage,
    work: scaled,
    profile,
    ordersPerRequest: design.ordersPerRequest,
    seed: options.seed,
    // The table has carried the design rate before the spike (its previous peak).
    previousPeakWriteUnits: rate * work.writeUnitsPerOrder,
    tableOutage: options.tableOutageMinutes ? { fromSecond: 60, toSecond: 60 + options.tableOutageMinutes * 60 } : undefined,
  });
  const perMillion = {
    single: steadyCostPerMillion(stage, scaled, work, rate, 1, options.seed),
    batch: steadyCostPerMillion(stage, scaled, work, rate, options.batchIntake, options.seed),
  };
  return {
    stage,
    work,
    scaled,
    steady,
    targets: TARGET_RATES.map((target) => ({ ordersPerSecond: target, changes: changesToReach(intake, target) })),
    profile,
    spike,
    spikeCost: episodeCost(spike, stage, work),
    monthly: monthlyCost(perMillion, options.volume, options.template),
    design,
    verdict: judgeDesign(design, intake, spike, profile),
  };
};
