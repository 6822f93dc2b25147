import { seededRandom } from '../../local-runtime';
import { redeliveryDelaySeconds } from '../../shared-layer/src/tooling';
import { LatencyHistogram, type LatencySummary } from '../lib/percentiles';
import { AWS_MODEL, type AwsModel } from './aws-model';
import type { DeployedStage } from './deployed-stage';
import {
  LambdaScalingBudget,
  onDemandWriteCeiling,
  inFlightConcurrencyCeiling,
  provisionedPollerConcurrency,
  recordsPerBatch,
  standardPollerConcurrency,
} from './rules';
import type { StageWork } from './work';

/**
 * A fine-step simulation of the pipeline on AWS's rules: arrivals through the API's throttles and the API function's
 * concurrency, the queue, the mapping's poller ramp, batching (size, window, 6 MB), the consumer's concurrency and
 * timeout, the orders table's write ceiling with the consumer retrying UnprocessedItems inside its time budget,
 * receive counts and the DLQ. Seeded: the same inputs and seed give the same result.
 */

/** Orders a second the clients send, by second since the start. */
export interface TrafficProfile {
  readonly description: string;
  /** Piecewise constant: from `atSecond` on, `ordersPerSecond` (until the next segment). */
  readonly segments: readonly { readonly atSecond: number; readonly ordersPerSecond: number }[];
  /** Clients stop sending here. */
  readonly endSecond: number;
}

export const rateAt = (profile: TrafficProfile, second: number): number => {
  if (second >= profile.endSecond) return 0;
  let rate = 0;
  for (const segment of profile.segments) if (segment.atSecond <= second) rate = segment.ordersPerSecond;
  return rate;
};

/** The default spike: the design rate for a minute, `factor` × it for `minutes`, the design rate for 10 minutes after. */
export const spikeProfile = (designOrdersPerSecond: number, factor: number, minutes: number): TrafficProfile => ({
  description: `${designOrdersPerSecond} orders/s, then ${factor}× (${designOrdersPerSecond * factor} orders/s) for ${minutes} min, then ${designOrdersPerSecond} orders/s for 10 min`,
  segments: [
    { atSecond: 0, ordersPerSecond: designOrdersPerSecond },
    { atSecond: 60, ordersPerSecond: designOrdersPerSecond * factor },
    { atSecond: 60 + minutes * 60, ordersPerSecond: designOrdersPerSecond },
  ],
  endSecond: 60 + minutes * 60 + 600,
});

export interface SimulationOptions {
  readonly stage: DeployedStage;
  readonly work: StageWork;
  readonly profile: TrafficProfile;
  readonly ordersPerRequest: number;
  readonly seed: number;
  /** Seconds per step; 0.1 resolves a 1 s batching window. */
  readonly stepSeconds?: number;
  /** Give up waiting for the queue to drain this long after the clients stop. */
  readonly drainLimitSeconds?: number;
  /** The account's Lambda concurrency (default: AWS's default quota). */
  readonly accountConcurrency?: number;
  /** Write units a second the orders table held 30 minutes before the run (its previous peak); default: none. */
  readonly previousPeakWriteUnits?: number;
  /**
   * Pollers gathering batches at once. AWS: one per concurrent invoke (the default). The local runtime gathers with one
   * poller and invokes up to MaximumConcurrency batches: --calibrate models it with 1.
   */
  readonly gatherers?: number;
  /** The orders table throttles every write in this window (a throttle storm), seconds since the start. */
  readonly tableOutage?: { readonly fromSecond: number; readonly toSecond: number };
  /** `poisson` (default): clients independent of each other; `steady`: evenly spaced, as the calibration's sender sends. */
  readonly arrivals?: 'poisson' | 'steady';
  readonly model?: AwsModel;
}

/** One second of the simulation. */
export interface SecondSample {
  readonly second: number;
  readonly offered: number;
  readonly accepted: number;
  /** Orders refused by a throttle (429 from API Gateway, or the API function throttled). */
  readonly throttled: number;
  readonly apiServerErrors: number;
  /** Messages waiting to be received (visible). */
  readonly queued: number;
  /** Received and not yet deleted (in batches being collected or processed, or waiting out a visibility timeout). */
  readonly inFlight: number;
  readonly oldestAgeSeconds: number;
  readonly consumerConcurrency: number;
  readonly consumerThrottles: number;
  readonly writeThrottles: number;
  readonly stored: number;
  readonly deadLettered: number;
  /** DLQ depth at the end of the second. */
  readonly deadLetterDepth: number;
}

export interface AlarmFiring {
  readonly logicalId: string;
  readonly watches: string;
  /** First second at which the alarm's evaluation breached; undefined: it never fired. */
  readonly firstFiredAt?: number;
}

export interface SimulationResult {
  readonly samples: readonly SecondSample[];
  readonly offered: number;
  readonly accepted: number;
  readonly throttled: number;
  readonly stored: number;
  readonly deadLettered: number;
  readonly consumerInvocations: number;
  readonly consumerThrottles: number;
  readonly writeThrottles: number;
  readonly acceptedToStoredMs: LatencySummary;
  readonly peakQueued: number;
  readonly peakOldestAgeSeconds: number;
  readonly peakConcurrency: number;
  /** Seconds from the clients stopping to an empty queue; undefined when it did not drain within the limit. */
  readonly drainSeconds?: number;
  readonly alarms: readonly AlarmFiring[];
  /** Counts in billing units for the cost model. */
  readonly usage: {
    readonly apiRequests: number;
    readonly apiDurationMs: number;
    readonly consumerDurationMs: number;
    readonly sqsRequests: number;
    readonly writeUnits: number;
  };
}

/** Orders accepted in the same step that share a receive count. */
interface Fragment {
  readonly acceptedAt: number;
  receives: number;
  count: number;
}

interface RunningBatches {
  readonly invocations: number;
  readonly records: number;
  readonly fragments: Fragment[];
  readonly startedAt: number;
  readonly computeSeconds: number;
  /** Write units still to write. */
  writeRemaining: number;
}

/**
 * When a record the consumer reported as failed (DynamoDB throttled or left it unprocessed) can be received again:
 * the consumer holds it back by its receive count with the schedule that ships (docs/design.md, "Throttle storms");
 * a consumer without one leaves it to SQS, and the record comes back after the queue's visibility timeout.
 */
export const failedRecordVisibleAfterSeconds = (stage: DeployedStage, receiveCount: number): number =>
  stage.consumer.redeliveryBackoff
    ? redeliveryDelaySeconds(receiveCount, stage.consumer.redeliveryBackoff)
    : stage.queue.visibilityTimeoutSeconds;

/** A FIFO of fragments (a standard queue has no order; FIFO by acceptance keeps the oldest message's age honest). */
class FragmentQueue {
  private items: Fragment[] = [];
  private head = 0;
  total = 0;

  push(fragment: Fragment): void {
    if (fragment.count <= 0) return;
    this.items.push(fragment);
    this.total += fragment.count;
  }

  oldest(): number | undefined {
    return this.head < this.items.length ? this.items[this.head].acceptedAt : undefined;
  }

  /** Takes up to `count` messages from the head. */
  take(count: number): Fragment[] {
    const taken: Fragment[] = [];
    let wanted = count;
    while (wanted > 0 && this.head < this.items.length) {
      const item = this.items[this.head];
      const n = Math.min(wanted, item.count);
      taken.push({ acceptedAt: item.acceptedAt, receives: item.receives, count: n });
      item.count -= n;
      wanted -= n;
      this.total -= n;
      if (item.count === 0) this.head += 1;
    }
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return taken;
  }
}

const countOf = (fragments: readonly Fragment[]) => fragments.reduce((sum, fragment) => sum + fragment.count, 0);

/** Splits `fragments` into the first `count` messages and the rest. */
const split = (fragments: readonly Fragment[], count: number): [Fragment[], Fragment[]] => {
  const first: Fragment[] = [];
  const rest: Fragment[] = [];
  let wanted = count;
  for (const fragment of fragments) {
    const n = Math.min(wanted, fragment.count);
    if (n > 0) first.push({ ...fragment, count: n });
    if (fragment.count - n > 0) rest.push({ ...fragment, count: fragment.count - n });
    wanted -= n;
  }
  return [first, rest];
};

/** Draws a Poisson-distributed count (normal approximation above 30) so that arrivals are not a metronome. */
const poisson = (mean: number, random: () => number): number => {
  if (mean <= 0) return 0;
  if (mean > 30) {
    const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal));
  }
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random();
  while (p > limit) {
    k += 1;
    p *= random();
  }
  return k;
};

class TokenBucket {
  private tokens: number;
  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  refill(seconds: number): void {
    this.tokens = Math.min(this.burst, this.tokens + this.rate * seconds);
  }

  available(): number {
    return Math.floor(this.tokens);
  }

  spend(count: number): void {
    this.tokens -= count;
  }
}

const MS = 1000;
/** The consumer stops retrying writes this long before its timeout (BatchingOrderWriter's safety margin, rounded up). */
const WRITER_SAFETY_SECONDS = 1;

export const simulate = (options: SimulationOptions): SimulationResult => {
  const model = options.model ?? AWS_MODEL;
  const { stage, work, profile } = options;
  const step = options.stepSeconds ?? 0.1;
  const random = seededRandom(options.seed);
  const accountConcurrency = options.accountConcurrency ?? model.accountConcurrency.value;
  const stageBucket = new TokenBucket(stage.api.throttleRate, stage.api.throttleBurst);
  const accountBucket = new TokenBucket(model.apiAccountRate.value, model.apiAccountBurst.value);
  const batchCap = Math.min(
    recordsPerBatch(stage.consumer.batchSize, work.recordEventBytes, model),
    // Without a window a batch is what one ReceiveMessage returns.
    stage.consumer.batchingWindowSeconds === 0 ? model.sqsMessagesPerReceive.value : Number.POSITIVE_INFINITY,
  );
  const ordersTable = stage.tables[0] ?? {};
  const writeCeiling = onDemandWriteCeiling(ordersTable, options.previousPeakWriteUnits ?? 0, model);
  const inFlightCeiling = inFlightConcurrencyCeiling(batchCap, model);
  const consumerReserved = stage.consumer.reservedConcurrency ?? Number.POSITIVE_INFINITY;

  const visible = new FragmentQueue();
  const waitingOut: { visibleAt: number; fragments: Fragment[] }[] = [];
  const running: RunningBatches[] = [];
  let collecting: Fragment[] = [];
  let collectingSince = 0;
  let pollerFreeSince = 0;
  let mappingLimit = stage.consumer.provisionedPollers
    ? provisionedPollerConcurrency(0, stage.consumer.provisionedPollers, model)
    : standardPollerConcurrency(0, stage.consumer.maxConcurrency, model);
  let consumerEnvironments = 0;
  let apiEnvironments = 0;
  const apiScaling = new LambdaScalingBudget(model);
  const consumerScaling = new LambdaScalingBudget(model);
  const latencies = new LatencyHistogram();
  const samples: SecondSample[] = [];
  const totals = {
    offered: 0,
    accepted: 0,
    throttled: 0,
    stored: 0,
    deadLettered: 0,
    invocations: 0,
    consumerThrottles: 0,
    writeThrottles: 0,
    apiRequests: 0,
    apiDurationMs: 0,
    consumerDurationMs: 0,
    sqsRequests: 0,
    writeUnits: 0,
  };
  let second = blankSecond(0);
  let drainedAt: number | undefined;
  const drainLimit = profile.endSecond + (options.drainLimitSeconds ?? 7200);
  const stepsPerSecond = Math.round(1 / step);
  // Steady arrivals: the fraction of an order carried to the next step.
  let owed = 0;

  const returnFailed = (fragments: Fragment[], now: number) => {
    for (const fragment of fragments) {
      waitingOut.push({ visibleAt: now + failedRecordVisibleAfterSeconds(stage, fragment.receives), fragments: [fragment] });
    }
  };

  for (let tick = 0; ; tick += 1) {
    const now = tick * step;
    // 1. Arrivals through the API.
    const expected = rateAt(profile, now) * step;
    let offeredOrders: number;
    if (options.arrivals === 'steady') {
      owed += expected;
      offeredOrders = Math.floor(owed);
      owed -= offeredOrders;
    } else offeredOrders = poisson(expected, random);
    const offeredRequests = Math.ceil(offeredOrders / options.ordersPerRequest);
    stageBucket.refill(step);
    accountBucket.refill(step);
    const passed = Math.max(0, Math.min(offeredRequests, stageBucket.available(), accountBucket.available()));
    stageBucket.spend(passed);
    accountBucket.spend(passed);
    const consumerBusy = running.reduce((sum, batch) => sum + batch.invocations, 0);
    const apiConcurrencyNeeded = (passed / step) * work.apiSecondsPerRequest;
    apiScaling.refill(step);
    consumerScaling.refill(step);
    // Environments stay warm once created; the account's concurrency is shared with the consumer.
    apiEnvironments = Math.min(
      apiScaling.grow(apiEnvironments, Math.ceil(apiConcurrencyNeeded)),
      Math.max(0, accountConcurrency - consumerBusy),
    );
    const apiServed = apiConcurrencyNeeded <= apiEnvironments ? passed : Math.floor((passed * apiEnvironments) / apiConcurrencyNeeded);
    const acceptedOrders = Math.min(offeredOrders, apiServed * options.ordersPerRequest);
    totals.offered += offeredOrders;
    totals.accepted += acceptedOrders;
    totals.throttled += offeredOrders - acceptedOrders;
    totals.apiRequests += apiServed;
    totals.apiDurationMs += apiServed * work.apiSecondsPerRequest * MS;
    totals.sqsRequests += apiServed * Math.ceil(options.ordersPerRequest / model.sqsMessagesPerReceive.value);
    second.offered += offeredOrders;
    second.accepted += acceptedOrders;
    second.throttled += offeredOrders - acceptedOrders;
    second.apiServerErrors += passed - apiServed;
    visible.push({ acceptedAt: now, receives: 0, count: acceptedOrders });

    // 2. Records whose visibility timeout ran out come back, or move to the DLQ past maxReceiveCount.
    for (let index = waitingOut.length - 1; index >= 0; index -= 1) {
      if (waitingOut[index].visibleAt > now) continue;
      for (const fragment of waitingOut[index].fragments) {
        if (fragment.receives >= stage.queue.maxReceiveCount) {
          totals.deadLettered += fragment.count;
          second.deadLettered += fragment.count;
        } else visible.push(fragment);
      }
      waitingOut.splice(index, 1);
    }

    // 3. The consumer's running batches write and finish.
    const demand = running.map((batch) =>
      Math.min(batch.writeRemaining, ((batch.records * work.writeUnitsPerOrder) / Math.max(step, batch.computeSeconds)) * step),
    );
    const wanted = demand.reduce((sum, units) => sum + units, 0);
    const outage = options.tableOutage && now >= options.tableOutage.fromSecond && now < options.tableOutage.toSecond;
    const granted = outage ? 0 : Math.min(1, wanted === 0 ? 1 : (writeCeiling * step) / wanted);
    if (granted < 1) {
      const throttledItems = ((wanted * (1 - granted)) / work.writeUnitsPerOrder) | 0;
      totals.writeThrottles += throttledItems;
      second.writeThrottles += throttledItems;
    }
    for (let index = running.length - 1; index >= 0; index -= 1) {
      const batch = running[index];
      const written = demand[index] * granted;
      batch.writeRemaining -= written;
      totals.writeUnits += written;
      const elapsed = now - batch.startedAt;
      const done = batch.writeRemaining <= 1e-9 && elapsed >= batch.computeSeconds;
      const outOfTime = elapsed >= stage.consumer.timeoutSeconds - WRITER_SAFETY_SECONDS;
      if (!done && !outOfTime) continue;
      const failed = done ? 0 : Math.min(batch.records, Math.ceil(batch.writeRemaining / work.writeUnitsPerOrder));
      const [succeeded, unwritten] = split(batch.fragments, batch.records - failed);
      for (const fragment of succeeded) latencies.recordMany((now - fragment.acceptedAt) * MS, fragment.count);
      const storedCount = batch.records - failed;
      totals.stored += storedCount;
      second.stored += storedCount;
      // Steps round a short invocation up; a batch that wrote in time is billed its compute time.
      const billedSeconds = done && elapsed <= batch.computeSeconds + step ? batch.computeSeconds : elapsed;
      totals.consumerDurationMs += billedSeconds * MS * batch.invocations;
      // Deletes of the succeeded records, 10 per DeleteMessageBatch.
      totals.sqsRequests += Math.ceil(storedCount / model.sqsMessagesPerReceive.value);
      returnFailed(unwritten, now);
      running.splice(index, 1);
    }

    // 4. The mapping ramps, collects and invokes.
    const busy = running.reduce((sum, batch) => sum + batch.invocations, 0);
    const backlogged = visible.total > 0;
    const rampStep = stage.consumer.provisionedPollers
      ? (model.provisionedRampPerMinute.value * step) / 60
      : (model.standardRampPerMinute.value * step) / 60;
    const ceiling = stage.consumer.provisionedPollers
      ? provisionedPollerConcurrency(Number.POSITIVE_INFINITY, stage.consumer.provisionedPollers, model)
      : standardPollerConcurrency(Number.POSITIVE_INFINITY, stage.consumer.maxConcurrency, model);
    const floor = stage.consumer.provisionedPollers
      ? provisionedPollerConcurrency(0, stage.consumer.provisionedPollers, model)
      : standardPollerConcurrency(0, stage.consumer.maxConcurrency, model);
    mappingLimit = backlogged ? Math.min(ceiling, mappingLimit + rampStep) : Math.max(floor, Math.min(mappingLimit, busy + floor));
    const pollers = Math.min(Math.floor(mappingLimit), inFlightCeiling);
    const free = Math.max(0, pollers - busy);
    const ready: Fragment[][] = [];
    if (free > 0) {
      // Every received and undeleted message is in flight, those waiting out a visibility timeout too; at the queue's
      // limit receives return nothing.
      const inFlightNow =
        countOf(collecting) +
        running.reduce((sum, batch) => sum + batch.records, 0) +
        waitingOut.reduce((sum, w) => sum + countOf(w.fragments), 0);
      const wantedRecords = Math.min(free * batchCap - countOf(collecting), model.sqsInFlightMessages.value - inFlightNow);
      // A poller free since its last batch takes the first message that arrives: messages visible now arrived during
      // the step that ends now, so the window started at the step's start, or when the poller came free if later.
      if (collecting.length === 0 && visible.total > 0) collectingSince = Math.max(pollerFreeSince, now - step);
      collecting.push(...visible.take(Math.max(0, wantedRecords)));
      let held = countOf(collecting);
      // A poller with a full batch invokes at once; the others invoke with what they hold when the window ends.
      const full = Math.min(free, Math.floor(held / batchCap));
      for (let b = 0; b < full; b += 1) {
        const [one, rest] = split(collecting, batchCap);
        ready.push(one);
        collecting = rest;
      }
      held -= full * batchCap;
      // The window ends at the step nearest its end (the first step after it would add half a step to every batch).
      const windowOver = now - collectingSince >= stage.consumer.batchingWindowSeconds + work.gatherOverheadSeconds - step / 2;
      if (held > 0 && windowOver && free > full) {
        const batches = Math.min(free - full, held, options.gatherers ?? Number.POSITIVE_INFINITY);
        const perBatch = Math.ceil(held / batches);
        for (let b = 0; b < batches && collecting.length > 0; b += 1) {
          const [one, rest] = split(collecting, Math.min(perBatch, batchCap));
          ready.push(one);
          collecting = rest;
        }
      }
      if (ready.length > 0) {
        pollerFreeSince = now;
        // What is still held (more than the free pollers could take) starts a window of its own now.
        if (collecting.length > 0) collectingSince = now;
      }
    }
    if (ready.length > 0) {
      // Each received record is one receive more; ReceiveMessage returns 10 at most.
      for (const fragments of ready) for (const fragment of fragments) fragment.receives += 1;
      const records = ready.map(countOf);
      totals.sqsRequests += records.reduce((sum, n) => sum + Math.ceil(n / model.sqsMessagesPerReceive.value), 0);
      consumerEnvironments = consumerScaling.grow(consumerEnvironments, busy + ready.length);
      const canRun = Math.max(0, Math.min(consumerEnvironments, consumerReserved, accountConcurrency - Math.ceil(apiEnvironments)) - busy);
      ready.forEach((fragments, index) => {
        if (index >= canRun) {
          // Throttled: the batch goes back to the queue after the visibility timeout, one receive nearer the DLQ.
          totals.consumerThrottles += 1;
          second.consumerThrottles += 1;
          waitingOut.push({ visibleAt: now + stage.queue.visibilityTimeoutSeconds, fragments });
          return;
        }
        const count = records[index];
        totals.invocations += 1;
        running.push({
          invocations: 1,
          records: count,
          fragments,
          startedAt: now,
          computeSeconds: work.consumerSeconds(count),
          writeRemaining: count * work.writeUnitsPerOrder,
        });
      });
    }

    // 5. The second's figures.
    if ((tick + 1) % stepsPerSecond === 0) {
      const oldest = Math.min(visible.oldest() ?? Number.POSITIVE_INFINITY, ...collecting.map((f) => f.acceptedAt));
      const inFlight =
        countOf(collecting) +
        running.reduce((sum, batch) => sum + batch.records, 0) +
        waitingOut.reduce((sum, w) => sum + countOf(w.fragments), 0);
      samples.push({
        ...second,
        queued: visible.total,
        inFlight,
        oldestAgeSeconds: Number.isFinite(oldest) ? Math.max(0, now - oldest) : 0,
        consumerConcurrency: running.reduce((sum, batch) => sum + batch.invocations, 0),
        deadLetterDepth: totals.deadLettered,
      });
      second = blankSecond(samples.length);
      const empty = inFlight === 0 && visible.total === 0;
      if (now >= profile.endSecond && empty) {
        drainedAt = now;
        break;
      }
      if (now >= drainLimit) break;
    }
  }

  return {
    samples,
    offered: totals.offered,
    accepted: totals.accepted,
    throttled: totals.throttled,
    stored: totals.stored,
    deadLettered: totals.deadLettered,
    consumerInvocations: totals.invocations,
    consumerThrottles: totals.consumerThrottles,
    writeThrottles: totals.writeThrottles,
    acceptedToStoredMs: latencies.summary(),
    peakQueued: Math.max(0, ...samples.map((s) => s.queued)),
    peakOldestAgeSeconds: Math.max(0, ...samples.map((s) => s.oldestAgeSeconds)),
    peakConcurrency: Math.max(0, ...samples.map((s) => s.consumerConcurrency)),
    drainSeconds: drainedAt === undefined ? undefined : Math.max(0, drainedAt - profile.endSecond),
    alarms: stage.alarms.map((alarm) => ({
      logicalId: alarm.logicalId,
      watches: alarm.watches,
      firstFiredAt: firstFiring(alarm, samples),
    })),
    usage: {
      apiRequests: totals.apiRequests,
      apiDurationMs: totals.apiDurationMs,
      consumerDurationMs: totals.consumerDurationMs,
      sqsRequests: totals.sqsRequests,
      writeUnits: totals.writeUnits,
    },
  };
};

const blankSecond = (at: number) => ({
  second: at,
  offered: 0,
  accepted: 0,
  throttled: 0,
  apiServerErrors: 0,
  stored: 0,
  deadLettered: 0,
  consumerThrottles: 0,
  writeThrottles: 0,
});

/** The value CloudWatch would see for one alarm in one period of samples. */
const periodValue = (alarm: DeployedStage['alarms'][number], period: readonly SecondSample[]): number | undefined => {
  const sum = (pick: (s: SecondSample) => number) => period.reduce((total, s) => total + pick(s), 0);
  const max = (pick: (s: SecondSample) => number) => Math.max(...period.map(pick));
  switch (alarm.watches) {
    case 'dlq-visible':
      return max((s) => s.deadLetterDepth);
    case 'oldest-message-age':
      return max((s) => s.oldestAgeSeconds);
    case 'consumer-throttles':
      return sum((s) => s.consumerThrottles);
    case 'consumer-errors':
      // The consumer reports unwritten records as partial failures: the model has no crash to count.
      return 0;
    case 'table-throttles':
      return sum((s) => s.writeThrottles);
    case 'api-5xx-rate': {
      const requests = sum((s) => s.offered);
      return requests === 0 ? 0 : (100 * sum((s) => s.apiServerErrors)) / requests;
    }
    default:
      return undefined;
  }
};

/** The second at which the alarm first goes into ALARM (datapointsToAlarm of evaluationPeriods breaching). */
export const firstFiring = (alarm: DeployedStage['alarms'][number], samples: readonly SecondSample[]): number | undefined => {
  const breaches: boolean[] = [];
  for (let start = 0; start < samples.length; start += alarm.periodSeconds) {
    const value = periodValue(alarm, samples.slice(start, start + alarm.periodSeconds));
    if (value === undefined) return undefined;
    breaches.push(alarm.strictlyGreater ? value > alarm.threshold : value >= alarm.threshold);
    const recent = breaches.slice(-alarm.evaluationPeriods);
    if (recent.filter(Boolean).length >= alarm.datapointsToAlarm) {
      return Math.min(samples.length, start + alarm.periodSeconds);
    }
  }
  return undefined;
};
