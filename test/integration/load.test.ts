import { getStageConfig } from '../../infra/config/stages';
import { accessLogFormat } from '../../infra/constructs/access-log-format';
import { runLoad } from '../../load/load';
import { accessLogBytesPerRequest, lambdaPlatformBytesPerInvocation } from '../../load/lib/cloudwatch-log-lines';

describe('npm run load (small run)', () => {
  it('sends orders with autocannon, verifies every accepted order is stored once, and prices the run', async () => {
    const report = await runLoad({ orders: 300, connections: 5, ordersPerRequest: 10 }, () => undefined);

    expect(report.problems).toEqual([]);
    expect(report.requests).toBe(30);
    expect(report.statusCounts).toEqual({ 202: 30 });
    expect(report.accepted).toBe(300);
    expect(report.stored).toBe(300);
    expect(report.measured?.acceptedToStoredMs.p50).toBeGreaterThan(0);
    expect(report.measured?.requestCounts['sqs:SendMessageBatch']).toBe(30);
    // The pipeline's costs come from what the run did: DynamoDB wrote each order (at least 1 WRU).
    expect(report.measured?.costPerMillion.pipeline.dynamoDb).toBeGreaterThanOrEqual(0.625);
    expect(report.measured?.costPerMillion.pipeline.sqs).toBeGreaterThan(0);
    // The naive design pays one HTTP API request per order: $1.00 per million.
    expect(report.measured?.costPerMillion.naive.httpApi).toBeCloseTo(1.0);
    expect(report.measured?.costPerMillion.pipeline.httpApi).toBeCloseTo(0.1);
    // The stage that ran keeps a dashboard, 10 alarm metrics and 5 saved queries whatever the traffic: priced apart.
    expect(report.measured?.observabilityPerMonth).toMatchObject({ dashboards: 1, alarmMetrics: 10, savedQueries: 5 });
    expect(report.measured?.observabilityPerMonth.total).toBeGreaterThan(4);
    // The dev stage's log levels, as Lambda applies them: the API's platform lines are below its WARN, the consumer's
    // (INFO) are counted for each of its invocations; one access-log line per request, in dev's format.
    const perOrder = report.measured?.costPerMillion.logBytesPerOrder;
    const dev = getStageConfig('dev');
    expect(dev.logLevels).toMatchObject({ requestFunctionsSystem: 'WARN', consumerSystem: 'INFO' });
    expect((perOrder?.lambdaPlatform ?? 0) * 300).toBeCloseTo(
      (report.measured?.consumerInvocations ?? 0) * lambdaPlatformBytesPerInvocation('INFO'),
      6,
    );
    expect((perOrder?.accessLog ?? 0) * 300).toBeCloseTo(30 * accessLogBytesPerRequest(accessLogFormat(dev.api.auth)), 6);
  }, 120_000);

  it('runs for a duration: orders cut off at the end are reported, not counted as lost or unexpected', async () => {
    const report = await runLoad({ orders: Infinity, durationSeconds: 2, connections: 3, ordersPerRequest: 1 }, () => undefined);

    expect(report.problems).toEqual([]);
    expect(report.accepted).toBeGreaterThan(0);
    expect(report.cutOff.sent).toBeLessThanOrEqual(3);
    expect(report.stored).toBe(report.accepted + report.cutOff.stored);
  }, 120_000);
});
