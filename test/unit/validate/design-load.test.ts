import { designLoad } from '../../../infra/validate/design-load';
import { checkContextFor, stageSnapshot } from '../../support/validate-check';

describe('infra/validate/design-load', () => {
  it.each(['dev', 'staging', 'prod'])('passes the %s stage as its template deploys', async (stage) => {
    const outcome = await designLoad.run(checkContextFor(stage, stageSnapshot(stage)));
    expect(outcome).toMatchObject({ status: 'pass' });
  });

  it('fails prod with max concurrency 2 and names the consumer mapping as the limit', async () => {
    const template = stageSnapshot('prod');
    const mapping = Object.values(template.Resources).find((resource) => resource.Type === 'AWS::Lambda::EventSourceMapping');
    if (!mapping) throw new Error('the prod snapshot has no event source mapping');
    mapping.Properties.ScalingConfig = { MaximumConcurrency: 2 };
    const outcome = await designLoad.run(checkContextFor('prod', template));
    expect(outcome.status).toBe('fail');
    expect(outcome.detail).toContain('consumer mapping concurrency (MaximumConcurrency 2');
    expect(outcome.detail).toContain('objective 30 s');
  });

  it('fails prod with the API throttle back at 1,000 requests/s and names it', async () => {
    const template = stageSnapshot('prod');
    const stage = Object.values(template.Resources).find((resource) => resource.Type === 'AWS::ApiGatewayV2::Stage');
    if (!stage) throw new Error('the prod snapshot has no HTTP API stage');
    stage.Properties.DefaultRouteSettings = { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 };
    const outcome = await designLoad.run(checkContextFor('prod', template));
    expect(outcome.status).toBe('fail');
    expect(outcome.detail).toContain('HTTP API stage throttle');
  });
});
