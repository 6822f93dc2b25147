import type { CfnTemplate } from '../cloud-assembly';
import { shortId } from '../running-stack';
import { type AlarmDefinition, type AlarmMetric, alarmsFromTemplate } from './alarm-definitions';
import { type LocalSeries, localSeriesFor } from './local-metrics';
import { type Expression, UnsupportedExpressionError, evaluateExpression, idsIn, parseExpression } from './metric-math';
import type { MetricStore } from './metric-store';

/**
 * Local periods are at most this long, so that an alarm reacts within seconds while you watch; thresholds,
 * comparisons, statistics, evaluation periods and missing-data treatment stay the template's.
 */
export const LOCAL_PERIOD_CAP_SECONDS = 10;

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA' | 'NOT_EVALUATED_LOCALLY';

export interface AlarmStatus {
  readonly logicalId: string;
  readonly name: string;
  readonly description?: string;
  readonly state: AlarmState;
  /** Why it is in that state: the datapoints against the threshold, or why it cannot be evaluated here. */
  readonly reason: string;
  /** What it watches, e.g. "AWS/SQS ApproximateNumberOfMessagesVisible (QueueName OrderQueueDeadLetterQueue), Maximum". */
  readonly metric: string;
  readonly condition: string;
  readonly templatePeriodSeconds?: number;
  readonly localPeriodSeconds?: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: string;
  /** Oldest first; null where the period has no datapoint. */
  readonly datapoints: readonly (number | null)[];
  /** What differs from CloudWatch for this alarm's metric. */
  readonly note?: string;
}

const COMPARISONS: Readonly<Record<string, { symbol: string; breaches: (value: number, threshold: number) => boolean }>> = {
  GreaterThanOrEqualToThreshold: { symbol: '>=', breaches: (value, threshold) => value >= threshold },
  GreaterThanThreshold: { symbol: '>', breaches: (value, threshold) => value > threshold },
  LessThanThreshold: { symbol: '<', breaches: (value, threshold) => value < threshold },
  LessThanOrEqualToThreshold: { symbol: '<=', breaches: (value, threshold) => value <= threshold },
};

const describeMetric = (metric: AlarmMetric): string => {
  const dimensions = Object.entries(metric.dimensions)
    .map(([name, value]) => `${name} ${shortId(value)}`)
    .join(', ');
  return `${metric.namespace} ${metric.metricName}${dimensions ? ` (${dimensions})` : ''}, ${metric.statistic}`;
};

/** One period's value of a compiled alarm, from the store. */
type Measure = (store: MetricStore, from: number, to: number) => number | undefined;

interface CompiledAlarm {
  readonly definition: AlarmDefinition;
  readonly metric: string;
  readonly templatePeriodSeconds?: number;
  readonly measure?: Measure;
  readonly notEvaluated?: string;
  readonly note?: string;
}

const measureOf =
  (series: Extract<LocalSeries, { keys: readonly string[] }>): Measure =>
  (store, from, to) =>
    store.statistic(series.keys, series.statistic, from, to);

const compile = (template: CfnTemplate, definition: AlarmDefinition): CompiledAlarm => {
  const { source } = definition;
  if ('unreadable' in source) return { definition, metric: 'unreadable', notEvaluated: source.unreadable };
  if (!COMPARISONS[definition.comparison]) {
    return { definition, metric: '', notEvaluated: `comparison ${definition.comparison} (an anomaly detection band) has no local model` };
  }
  if ('metric' in source) {
    const metric = describeMetric(source.metric);
    const series = localSeriesFor(template, source.metric);
    if ('notLocal' in series)
      return { definition, metric, templatePeriodSeconds: source.metric.periodSeconds, notEvaluated: series.notLocal };
    return { definition, metric, templatePeriodSeconds: source.metric.periodSeconds, measure: measureOf(series), note: series.note };
  }
  const { math } = source;
  const metric = `${math.expression} where ${Object.entries(math.metrics)
    .map(([id, inner]) => `${id} = ${describeMetric(inner)}`)
    .join('; ')}`;
  let tree: Expression;
  try {
    tree = parseExpression(math.expression);
  } catch (error) {
    if (!(error instanceof UnsupportedExpressionError)) throw error;
    return { definition, metric, templatePeriodSeconds: math.periodSeconds, notEvaluated: error.message };
  }
  const inputs: Record<string, Measure> = {};
  const notes: string[] = [];
  for (const id of new Set(idsIn(tree))) {
    const inner = math.metrics[id];
    if (!inner)
      return { definition, metric, templatePeriodSeconds: math.periodSeconds, notEvaluated: `${id} is not a metric of the alarm` };
    const series = localSeriesFor(template, inner);
    if ('notLocal' in series)
      return { definition, metric, templatePeriodSeconds: math.periodSeconds, notEvaluated: `${id}: ${series.notLocal}` };
    inputs[id] = measureOf(series);
    if (series.note) notes.push(`${id}: ${series.note}`);
  }
  return {
    definition,
    metric,
    templatePeriodSeconds: math.periodSeconds,
    measure: (store, from, to) =>
      evaluateExpression(tree, Object.fromEntries(Object.entries(inputs).map(([id, measure]) => [id, measure(store, from, to)]))),
    note: notes.join('; ') || undefined,
  };
};

const formatValue = (value: number): string => (Number.isInteger(value) ? String(value) : value.toFixed(2));

/**
 * Evaluates the template's alarms on the local metrics the way CloudWatch does: the statistic over each of the last
 * EvaluationPeriods periods (sliding, ending now), DatapointsToAlarm of them breaching → ALARM, TreatMissingData for
 * periods without data. Reads whatever alarms the template has; `setTemplate` follows a changed stack.
 */
export class AlarmEvaluator {
  private template: CfnTemplate | undefined;
  private compiled: CompiledAlarm[] = [];
  private readonly states = new Map<string, AlarmState>();

  constructor(
    private readonly store: MetricStore,
    private readonly onTransition: (status: AlarmStatus, from: AlarmState) => void = () => undefined,
  ) {}

  setTemplate(template: CfnTemplate): void {
    if (template === this.template) return;
    this.template = template;
    this.compiled = alarmsFromTemplate(template).map((definition) => compile(template, definition));
    for (const alarm of this.compiled) {
      const window = (this.localPeriodOf(alarm) ?? 0) * alarm.definition.evaluationPeriods * 1000;
      this.store.retainAtLeast(window);
    }
  }

  private localPeriodOf(alarm: CompiledAlarm): number | undefined {
    return alarm.templatePeriodSeconds === undefined ? undefined : Math.min(alarm.templatePeriodSeconds, LOCAL_PERIOD_CAP_SECONDS);
  }

  evaluate(now: number = Date.now()): AlarmStatus[] {
    return this.compiled.map((alarm) => {
      const status = this.evaluateOne(alarm, now);
      const previous = this.states.get(alarm.definition.logicalId) ?? 'INSUFFICIENT_DATA';
      this.states.set(alarm.definition.logicalId, status.state);
      if (previous !== status.state) this.onTransition(status, previous);
      return status;
    });
  }

  private evaluateOne(alarm: CompiledAlarm, now: number): AlarmStatus {
    const { definition } = alarm;
    const comparison = COMPARISONS[definition.comparison];
    const localPeriodSeconds = this.localPeriodOf(alarm);
    const base = {
      logicalId: definition.logicalId,
      name: definition.name,
      description: definition.description,
      metric: alarm.metric,
      condition: comparison ? `${comparison.symbol} ${definition.threshold}` : `${definition.comparison} ${definition.threshold}`,
      templatePeriodSeconds: alarm.templatePeriodSeconds,
      localPeriodSeconds,
      evaluationPeriods: definition.evaluationPeriods,
      datapointsToAlarm: definition.datapointsToAlarm,
      treatMissingData: definition.treatMissingData,
      note: alarm.note,
    };
    if (!alarm.measure || localPeriodSeconds === undefined) {
      return { ...base, state: 'NOT_EVALUATED_LOCALLY', reason: alarm.notEvaluated ?? 'no period', datapoints: [] };
    }
    const periodMs = localPeriodSeconds * 1000;
    const datapoints: (number | undefined)[] = [];
    for (let period = definition.evaluationPeriods - 1; period >= 0; period -= 1) {
      const to = now - period * periodMs;
      datapoints.push(alarm.measure(this.store, to - periodMs, to));
    }
    const present = datapoints.filter((value): value is number => value !== undefined);
    const breaching = present.filter((value) => comparison.breaches(value, definition.threshold)).length;
    const missing = datapoints.length - present.length;
    const shown = datapoints.map((value) => value ?? null);
    const values = shown.map((value) => (value === null ? 'no data' : formatValue(value))).join(', ');
    const over = `${definition.evaluationPeriods} × ${localPeriodSeconds} s`;

    if (present.length === 0) {
      switch (definition.treatMissingData) {
        case 'breaching':
          return { ...base, state: 'ALARM', reason: `no data in the last ${over}, treated as breaching`, datapoints: shown };
        case 'notBreaching':
          return { ...base, state: 'OK', reason: `no data in the last ${over}, treated as not breaching`, datapoints: shown };
        case 'ignore': {
          const kept = this.states.get(definition.logicalId) ?? 'INSUFFICIENT_DATA';
          return { ...base, state: kept, reason: `no data in the last ${over}: state kept (missing data ignored)`, datapoints: shown };
        }
        default:
          return { ...base, state: 'INSUFFICIENT_DATA', reason: `no data in the last ${over}`, datapoints: shown };
      }
    }
    const counted = breaching + (definition.treatMissingData === 'breaching' ? missing : 0);
    const state: AlarmState = counted >= definition.datapointsToAlarm ? 'ALARM' : 'OK';
    return {
      ...base,
      state,
      reason: `${counted} of ${definition.evaluationPeriods} datapoints ${comparison.symbol} ${definition.threshold} (need ${definition.datapointsToAlarm}): [${values}]`,
      datapoints: shown,
    };
  }
}
