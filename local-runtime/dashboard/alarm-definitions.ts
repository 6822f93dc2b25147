import { type CfnTemplate, resourcesOfType } from '../cloud-assembly';
import { shortId } from '../running-stack';

/** A metric as an alarm names it; dimension values are the logical id they reference (Ref / Fn::GetAtt) or a literal. */
export interface AlarmMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** Statistic or ExtendedStatistic (p99), as the template gives it. */
  readonly statistic: string;
  readonly periodSeconds: number;
}

/** A metric math alarm: the expression that returns data, over the metrics it names by id. */
export interface AlarmMath {
  readonly expression: string;
  readonly metrics: Readonly<Record<string, AlarmMetric>>;
  readonly periodSeconds: number;
}

export interface AlarmDefinition {
  readonly logicalId: string;
  /** AlarmName when the template sets one; otherwise CloudFormation names it, so the logical id (without its hash) stands in. */
  readonly name: string;
  readonly description?: string;
  readonly source: { readonly metric: AlarmMetric } | { readonly math: AlarmMath } | { readonly unreadable: string };
  readonly threshold: number;
  readonly comparison: string;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: 'breaching' | 'notBreaching' | 'ignore' | 'missing';
}

/** What a dimension value refers to: the logical id behind Ref / Fn::GetAtt, or the literal. */
const dimensionValue = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const reference = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] } | null;
  if (reference?.Ref) return reference.Ref;
  if (reference?.['Fn::GetAtt']) return reference['Fn::GetAtt'][0];
  return JSON.stringify(value);
};

const dimensionsOf = (dimensions: unknown): Record<string, string> =>
  Object.fromEntries(((dimensions ?? []) as { Name: string; Value: unknown }[]).map(({ Name, Value }) => [Name, dimensionValue(Value)]));

// biome-ignore lint/suspicious/noExplicitAny: alarm properties are CloudFormation JSON; each field read is checked.
type Props = Record<string, any>;

const sourceOf = (props: Props): AlarmDefinition['source'] => {
  if (props.ThresholdMetricId) return { unreadable: 'an anomaly detection band (ThresholdMetricId) has no local model' };
  if (props.MetricName) {
    return {
      metric: {
        namespace: String(props.Namespace),
        metricName: String(props.MetricName),
        dimensions: dimensionsOf(props.Dimensions),
        statistic: String(props.Statistic ?? props.ExtendedStatistic),
        periodSeconds: Number(props.Period),
      },
    };
  }
  const queries = (props.Metrics ?? []) as Props[];
  const returned = queries.filter((query) => query.ReturnData !== false);
  if (returned.length !== 1) return { unreadable: `${returned.length} metric queries return data; an alarm needs exactly one` };
  const metrics: Record<string, AlarmMetric> = {};
  for (const query of queries) {
    if (!query.MetricStat) continue;
    metrics[query.Id] = {
      namespace: String(query.MetricStat.Metric.Namespace),
      metricName: String(query.MetricStat.Metric.MetricName),
      dimensions: dimensionsOf(query.MetricStat.Metric.Dimensions),
      statistic: String(query.MetricStat.Stat),
      periodSeconds: Number(query.MetricStat.Period),
    };
  }
  const [result] = returned;
  if (result.MetricStat) return { metric: metrics[result.Id] };
  const periodSeconds = Number(result.Period ?? Object.values(metrics)[0]?.periodSeconds ?? 60);
  return { math: { expression: String(result.Expression), metrics, periodSeconds } };
};

/** Every AWS::CloudWatch::Alarm of the template as the local runtime evaluates it; whatever alarms the stack has. */
export const alarmsFromTemplate = (template: CfnTemplate): AlarmDefinition[] =>
  resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([logicalId, alarm]) => {
    const props: Props = alarm.Properties ?? {};
    const evaluationPeriods = Number(props.EvaluationPeriods ?? 1);
    return {
      logicalId,
      name: typeof props.AlarmName === 'string' ? props.AlarmName : shortId(logicalId),
      description: typeof props.AlarmDescription === 'string' ? props.AlarmDescription : undefined,
      source: sourceOf(props),
      threshold: Number(props.Threshold),
      comparison: String(props.ComparisonOperator),
      evaluationPeriods,
      datapointsToAlarm: Number(props.DatapointsToAlarm ?? evaluationPeriods),
      treatMissingData: props.TreatMissingData ?? 'missing',
    };
  });
