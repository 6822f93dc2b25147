import { customMetricCount } from '../../infra/constructs/emf-metrics';
import { type Prices, US_EAST_1_PRICES } from './cost-model';

/** Enough of a CloudFormation template to count what CloudWatch bills by the month. */
export interface TemplateResources {
  readonly Resources: Readonly<Record<string, { readonly Type: string; readonly Properties?: Readonly<Record<string, unknown>> }>>;
}

/** What a stage keeps in CloudWatch whatever its traffic, in billing units. */
export interface ObservabilityResources {
  readonly dashboards: number;
  /** Metrics the alarms read: one for a plain alarm, each MetricStat of a metric-math alarm. */
  readonly alarmMetrics: number;
  /** The functions' EMF metrics (one per name and service). */
  readonly customMetrics: number;
  /** Saved Logs Insights queries: free to keep; running one is billed by the data it scans. */
  readonly savedQueries: number;
}

export interface FixedMonthlyCost extends ObservabilityResources {
  /** US dollars a month, each part and the total. */
  readonly dashboardsCost: number;
  readonly alarmsCost: number;
  readonly customMetricsCost: number;
  readonly total: number;
}

const ofType = (template: TemplateResources, type: string) =>
  Object.values(template.Resources).filter((resource) => resource.Type === type);

const metricsReadBy = (alarm: { Properties?: Readonly<Record<string, unknown>> }): number => {
  const metrics = alarm.Properties?.Metrics as { MetricStat?: unknown }[] | undefined;
  return metrics ? metrics.filter((metric) => metric.MetricStat).length : 1;
};

export const observabilityResourcesOf = (template: TemplateResources): ObservabilityResources => ({
  dashboards: ofType(template, 'AWS::CloudWatch::Dashboard').length,
  alarmMetrics: ofType(template, 'AWS::CloudWatch::Alarm').reduce((sum, alarm) => sum + metricsReadBy(alarm), 0),
  customMetrics: customMetricCount(),
  savedQueries: ofType(template, 'AWS::Logs::QueryDefinition').length,
});

/**
 * The stage's observability at list price, a month, as an upper bound: a custom metric costs only in the hours it is
 * published (an API that never fails an enqueue never pays for enqueueFailures), and an account's free tier (10 alarm
 * metrics, 10 custom metrics, 3 small dashboards) is left out.
 */
export const fixedMonthlyObservabilityCost = (
  template: TemplateResources,
  prices: Pick<Prices, 'cloudWatchDashboardMonth' | 'cloudWatchAlarmMetricMonth' | 'cloudWatchCustomMetricMonth'> = US_EAST_1_PRICES,
): FixedMonthlyCost => {
  const resources = observabilityResourcesOf(template);
  const dashboardsCost = resources.dashboards * prices.cloudWatchDashboardMonth;
  const alarmsCost = resources.alarmMetrics * prices.cloudWatchAlarmMetricMonth;
  const customMetricsCost = resources.customMetrics * prices.cloudWatchCustomMetricMonth;
  return { ...resources, dashboardsCost, alarmsCost, customMetricsCost, total: dashboardsCost + alarmsCost + customMetricsCost };
};

export const formatFixedMonthlyCost = (cost: FixedMonthlyCost): string =>
  `$${cost.total.toFixed(2)} a month, whatever the traffic (${cost.dashboards} dashboard ${cost.dashboardsCost.toFixed(2)}, ` +
  `${cost.alarmMetrics} alarm metrics ${cost.alarmsCost.toFixed(2)}, ${cost.customMetrics} custom metrics ${cost.customMetricsCost.toFixed(2)}, ` +
  `${cost.savedQueries} saved queries 0.00); not in the per-order figures`;
