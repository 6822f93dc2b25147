import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { COLD_START_METRIC, EMF_METRICS, customMetricCount } from '../../../infra/constructs/emf-metrics';

const PROJECT_ROOT = path.join(__dirname, '..', '..', '..');

/** functions/<dir> → its POWERTOOLS_SERVICE_NAME, as the stack wires each PipelineFunction. */
const serviceByFunctionDir = (): Map<string, string> => {
  const stack = readFileSync(path.join(PROJECT_ROOT, 'infra', 'stacks', 'orders-pipeline-stack.ts'), 'utf8');
  return new Map([...stack.matchAll(/functionDir: '([\w-]+)',\s*serviceName: '([\w-]+)'/g)].map(([, dir, service]) => [dir, service]));
};

/** The metric names a function's code publishes: each addMetric('name', …), and ColdStart when it captures cold starts. */
const publishedBy = (functionDir: string): string[] => {
  const dir = path.join(PROJECT_ROOT, 'functions', functionDir);
  const sources = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .map((file) => readFileSync(path.join(dir, file), 'utf8'));
  const names = new Set(sources.flatMap((source) => [...source.matchAll(/addMetric\(\s*'(\w+)'/g)].map(([, name]) => name)));
  if (sources.some((source) => source.includes('captureColdStartMetric('))) names.add(COLD_START_METRIC.name);
  return [...names].sort();
};

describe('EMF_METRICS', () => {
  const services = serviceByFunctionDir();

  it('finds every function of the stack with its service name', () => {
    expect([...services.keys()]).toEqual(expect.arrayContaining(['api', 'consumer', 'openapi']));
  });

  it.each([...serviceByFunctionDir()])('lists exactly the metrics functions/%s publishes (service %s)', (functionDir, service) => {
    const listed = (EMF_METRICS[service] ?? []).map((metric) => metric.name).sort();
    expect(listed).toEqual(publishedBy(functionDir));
  });

  it('lists no service that no function of the stack has', () => {
    expect(Object.keys(EMF_METRICS).filter((service) => ![...services.values()].includes(service))).toEqual([]);
  });

  it('counts one custom metric per name and service, as CloudWatch bills them', () => {
    expect(customMetricCount({ a: [COLD_START_METRIC, { name: 'x', statistic: 'Sum' }], b: [COLD_START_METRIC] })).toBe(3);
  });
});
