import { type CfnTemplate, resourcesOfType } from '../cloud-assembly';
import { invokedFunctionId } from '../function-reference';
import type { MappingConfiguration } from '../lambda-api/event-source-mapping';
import { functionNameOfArn } from '../lambda-api/function-name';
import { shortId } from '../running-stack';
import { type AlarmStatus, LOCAL_PERIOD_CAP_SECONDS } from './alarm-evaluator';
import type { Failure } from './failure-feed';
import { seriesKey } from './local-metrics';
import type { MetricStore } from './metric-store';
import type { QueueRef } from './queue-sampler';

/** Seconds of history in each sparkline. */
export const SPARKLINE_SECONDS = 120;

type Series = readonly (number | null)[];

export interface QueuePanel {
  readonly logicalId: string;
  readonly label: string;
  readonly isDeadLetterQueue: boolean;
  readonly visible: number | null;
  readonly inFlight: number | null;
  readonly ageOfOldestSeconds: number | null;
  readonly visibleSeries: Series;
  readonly ageSeries: Series;
  /** Why the last sample failed (the emulator restarting, say). */
  readonly unavailable?: string;
}

export interface FunctionPanel {
  readonly logicalId: string;
  readonly label: string;
  readonly totals: { readonly invocations: number; readonly errors: number; readonly throttles: number };
  readonly invocationsSeries: Series;
  readonly errorsSeries: Series;
  readonly throttlesSeries: Series;
  readonly durationP99Series: Series;
  /** Event-source functions: records per batch. */
  readonly batchSize?: { readonly averageSeries: Series; readonly maximumSeries: Series; readonly batches: number };
  /** What the function logged as EMF, totals since start and per second. */
  readonly emf: readonly { readonly name: string; readonly total: number; readonly series: Series }[];
  /** The event source mappings that invoke it, as the local Lambda API shows them (paused, retuned). */
  readonly mappings: readonly MappingConfiguration[];
}

export interface DashboardSnapshot {
  readonly at: number;
  readonly stackName: string;
  readonly localPeriodCapSeconds: number;
  readonly sparklineSeconds: number;
  readonly api: {
    readonly totals: { readonly requests: number; readonly '4xx': number; readonly '5xx': number };
    readonly requestsSeries: Series;
    readonly latencyP50Series: Series;
    readonly latencyP99Series: Series;
    readonly errors5xxSeries: Series;
  };
  readonly queues: readonly QueuePanel[];
  readonly functions: readonly FunctionPanel[];
  readonly alarms: readonly AlarmStatus[];
  readonly failures: readonly Failure[];
}

export interface SnapshotSources {
  readonly stackName: string;
  readonly template: CfnTemplate;
  readonly store: MetricStore;
  readonly queues: readonly QueueRef[];
  readonly queuesUnavailable: ReadonlyMap<string, string>;
  readonly alarms: readonly AlarmStatus[];
  readonly failures: readonly Failure[];
  /** The event source mappings running now (local Lambda API). */
  readonly mappings?: readonly MappingConfiguration[];
}

/** EMF names seen for a function, from its series keys. */
const emfNames = (store: MetricStore, functionId: string): string[] => {
  const prefix = seriesKey.emf(functionId, '');
  return store
    .keys()
    .filter((key) => key.startsWith(prefix))
    .map((key) => key.slice(prefix.length))
    .sort();
};

/** What the page shows, computed once a second and sent to every open page. */
export const buildSnapshot = (sources: SnapshotSources, now: number = Date.now()): DashboardSnapshot => {
  const { store } = sources;
  const perSecond = (keys: readonly string[], statistic: Parameters<MetricStore['perSecond']>[1]) =>
    store.perSecond(keys, statistic, SPARKLINE_SECONDS, now);
  // A second without requests or invocations had zero of them; for gauges and latencies it has no value.
  const countPerSecond = (keys: readonly string[]) => perSecond(keys, 'Sum').map((value) => value ?? 0);
  const eventSourceFunctions = new Set(
    resourcesOfType(sources.template, 'AWS::Lambda::EventSourceMapping').map(([, mapping]) =>
      invokedFunctionId(sources.template, mapping.Properties?.FunctionName),
    ),
  );
  return {
    at: now,
    stackName: sources.stackName,
    localPeriodCapSeconds: LOCAL_PERIOD_CAP_SECONDS,
    sparklineSeconds: SPARKLINE_SECONDS,
    api: {
      totals: {
        requests: store.total([seriesKey.api('Count')]),
        '4xx': store.total([seriesKey.api('4xx')]),
        '5xx': store.total([seriesKey.api('5xx')]),
      },
      requestsSeries: countPerSecond([seriesKey.api('Count')]),
      latencyP50Series: perSecond([seriesKey.api('Latency')], 'p50'),
      latencyP99Series: perSecond([seriesKey.api('Latency')], 'p99'),
      errors5xxSeries: countPerSecond([seriesKey.api('5xx')]),
    },
    queues: sources.queues.map((queue) => {
      const visibleKey = seriesKey.sqs(queue.logicalId, 'ApproximateNumberOfMessagesVisible');
      const ageKey = seriesKey.sqs(queue.logicalId, 'ApproximateAgeOfOldestMessage');
      return {
        logicalId: queue.logicalId,
        label: shortId(queue.logicalId),
        isDeadLetterQueue: queue.isDeadLetterQueue,
        visible: store.latest(visibleKey) ?? null,
        inFlight: store.latest(seriesKey.sqs(queue.logicalId, 'ApproximateNumberOfMessagesNotVisible')) ?? null,
        ageOfOldestSeconds: store.latest(ageKey) ?? null,
        visibleSeries: perSecond([visibleKey], 'Maximum'),
        ageSeries: perSecond([ageKey], 'Maximum'),
        unavailable: sources.queuesUnavailable.get(queue.logicalId),
      };
    }),
    functions: resourcesOfType(sources.template, 'AWS::Lambda::Function').map(([logicalId]) => {
      const key = (metric: 'Invocations' | 'Errors' | 'Throttles' | 'Duration') => [seriesKey.lambda(logicalId, metric)];
      return {
        logicalId,
        label: shortId(logicalId),
        totals: {
          invocations: store.total(key('Invocations')),
          errors: store.total(key('Errors')),
          throttles: store.total(key('Throttles')),
        },
        invocationsSeries: countPerSecond(key('Invocations')),
        errorsSeries: countPerSecond(key('Errors')),
        throttlesSeries: countPerSecond(key('Throttles')),
        durationP99Series: perSecond(key('Duration'), 'p99'),
        batchSize: eventSourceFunctions.has(logicalId)
          ? {
              averageSeries: perSecond([seriesKey.batchSize(logicalId)], 'Average'),
              maximumSeries: perSecond([seriesKey.batchSize(logicalId)], 'Maximum'),
              batches: store.count(seriesKey.batchSize(logicalId)),
            }
          : undefined,
        emf: emfNames(store, logicalId).map((name) => ({
          name,
          total: store.total([seriesKey.emf(logicalId, name)]),
          series: countPerSecond([seriesKey.emf(logicalId, name)]),
        })),
        // Local functions are named <stack>-<logical id>.
        mappings: (sources.mappings ?? []).filter(
          (mapping) => functionNameOfArn(mapping.FunctionArn) === `${sources.stackName}-${logicalId}`,
        ),
      };
    }),
    alarms: sources.alarms,
    failures: sources.failures,
  };
};
