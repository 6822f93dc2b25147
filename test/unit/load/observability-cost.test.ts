import { customMetricCount } from '../../../infra/constructs/emf-metrics';
import { fixedMonthlyObservabilityCost, formatFixedMonthlyCost, observabilityResourcesOf } from '../../../load/lib/observability-cost';

const plainAlarm = { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'Errors', Namespace: 'AWS/Lambda' } };
const mathAlarm = {
  Type: 'AWS::CloudWatch::Alarm',
  Properties: {
    Metrics: [
      { Id: 'expr_1', Expression: 'a + b + c' },
      { Id: 'a', MetricStat: {} },
      { Id: 'b', MetricStat: {} },
      { Id: 'c', MetricStat: {} },
    ],
  },
};
const template = {
  Resources: {
    Dashboard: { Type: 'AWS::CloudWatch::Dashboard' },
    Plain: plainAlarm,
    Math: mathAlarm,
    Query1: { Type: 'AWS::Logs::QueryDefinition' },
    Query2: { Type: 'AWS::Logs::QueryDefinition' },
    Queue: { Type: 'AWS::SQS::Queue' },
  },
};

describe('fixed monthly observability cost', () => {
  it('counts a plain alarm as one metric and a metric-math alarm as each metric it reads, not its expression', () => {
    expect(observabilityResourcesOf(template)).toEqual({
      dashboards: 1,
      alarmMetrics: 1 + 3,
      customMetrics: customMetricCount(),
      savedQueries: 2,
    });
  });

  it('prices dashboards at $3, alarm metrics at $0.10 and custom metrics at $0.30 a month, saved queries at nothing', () => {
    const cost = fixedMonthlyObservabilityCost(template);
    expect(cost.dashboardsCost).toBeCloseTo(3);
    expect(cost.alarmsCost).toBeCloseTo(0.4);
    expect(cost.customMetricsCost).toBeCloseTo(0.3 * customMetricCount());
    expect(cost.total).toBeCloseTo(3 + 0.4 + 0.3 * customMetricCount());
  });

  it('says that the figure is apart from the per-order cost', () => {
    expect(formatFixedMonthlyCost(fixedMonthlyObservabilityCost(template))).toMatch(
      /^\$\d+\.\d\d a month, .*not in the per-order figures$/,
    );
  });
});
