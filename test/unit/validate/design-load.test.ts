import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { CheckContext } from '../../../infra/validate/check';
import { designLoad } from '../../../infra/validate/design-load';

const snapshot = (stage: string) =>
  JSON.parse(readFileSync(path.join(__dirname, '../../../infra/validate/snapshots', `${stage}.template.json`), 'utf8')) as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };

const contextFor = (stage: string, template: Record<string, unknown>): CheckContext => ({
  stage,
  template,
  templateFile: `${stage}.template.json`,
  assemblyDir: '.',
  stackName: `OrdersPipeline-${stage}`,
  log: () => undefined,
});

describe('infra/validate/design-load', () => {
  it.each(['dev', 'staging', 'prod'])('passes the %s stage as its template deploys', async (stage) => {
    const outcome = await designLoad.run(contextFor(stage, snapshot(stage)));
    expect(outcome).toMatchObject({ status: 'pass' });
  });

  it('fails prod with max concurrency 2 and names the consumer mapping as the limit', async () => {
    const template = snapshot('prod');
    const mapping = Object.values(template.Resources).find((resource) => resource.Type === 'AWS::Lambda::EventSourceMapping');
    if (!mapping) throw new Error('the prod snapshot has no event source mapping');
    mapping.Properties.ScalingConfig = { MaximumConcurrency: 2 };
    const outcome = await designLoad.run(contextFor('prod', template));
    expect(outcome.status).toBe('fail');
    expect(outcome.detail).toContain('consumer mapping concurrency (MaximumConcurrency 2');
    expect(outcome.detail).toContain('objective 30 s');
  });

  it('fails prod with the API throttle back at 1,000 requests/s and names it', async () => {
    const template = snapshot('prod');
    const stage = Object.values(template.Resources).find((resource) => resource.Type === 'AWS::ApiGatewayV2::Stage');
    if (!stage) throw new Error('the prod snapshot has no HTTP API stage');
    stage.Properties.DefaultRouteSettings = { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 };
    const outcome = await designLoad.run(contextFor('prod', template));
    expect(outcome.status).toBe('fail');
    expect(outcome.detail).toContain('HTTP API stage throttle');
  });
});
