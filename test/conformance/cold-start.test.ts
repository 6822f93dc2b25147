import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { sampleOrder } from '../support/fixtures';
import { eventually, runtimeForSuite } from '../support/local-runtime-harness';

/** The JSON lines of one function's log (Powertools' Logger and Metrics write one object per line). */
const jsonLines = (logDir: string, logicalIdPrefix: string): Record<string, unknown>[] => {
  const logName = readdirSync(logDir).find((name) => name.startsWith(logicalIdPrefix) && name.endsWith('.log'));
  if (!logName) return [];
  return readFileSync(path.join(logDir, logName), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
};

const emfMetricNames = (line: Record<string, unknown>): string[] =>
  ((line._aws as { CloudWatchMetrics?: { Metrics: { Name: string }[] }[] } | undefined)?.CloudWatchMetrics ?? []).flatMap((directive) =>
    directive.Metrics.map((metric) => metric.Name),
  );

describe('conformance: Powertools sees cold starts as on Lambda (AWS_LAMBDA_INITIALIZATION_TYPE=on-demand)', () => {
  const harness = runtimeForSuite();

  it('the first invocation of an environment logs cold_start:true and a ColdStart metric; the next one neither (our formatter leaves a false cold_start out)', async () => {
    expect((await harness.postOrder(sampleOrder({ orderId: 'cold-1' }))).status).toBe(202);
    expect((await harness.postOrder(sampleOrder({ orderId: 'cold-2' }))).status).toBe(202);

    const lines = await eventually('the API function log lines of both requests', () => {
      const found = jsonLines(harness.runtime.logDir, 'ApiFunction');
      const requestIds = new Set(found.map((line) => line.function_request_id).filter(Boolean));
      return requestIds.size >= 2 ? found : undefined;
    });
    const [firstRequest, secondRequest] = [...new Set(lines.map((line) => line.function_request_id).filter(Boolean))];
    const linesOf = (requestId: unknown) => lines.filter((line) => line.function_request_id === requestId);

    expect(linesOf(firstRequest).every((line) => line.cold_start === true)).toBe(true);
    expect(linesOf(firstRequest).length).toBeGreaterThan(0);
    expect(linesOf(secondRequest).some((line) => 'cold_start' in line)).toBe(false);
    // Both requests ran on one environment (the second found it warm): one ColdStart datapoint.
    expect(lines.filter((line) => emfMetricNames(line).includes('ColdStart'))).toHaveLength(1);
  }, 30_000);
});
