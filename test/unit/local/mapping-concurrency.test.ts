import { mappingConcurrency } from '../../../local-runtime/running-stack';

describe('local-runtime/running-stack mappingConcurrency', () => {
  it('runs a standard mapping up to its MaximumConcurrency, or AWS default of 1,000 without one', () => {
    expect(mappingConcurrency({ ScalingConfig: { MaximumConcurrency: 20 } })).toBe(20);
    expect(mappingConcurrency({})).toBe(1000);
  });

  it('runs a provisioned mapping up to 10 invokes per maximum poller, 200 pollers when the template leaves it out', () => {
    expect(mappingConcurrency({ ProvisionedPollerConfig: { MaximumPollers: 30 } })).toBe(300);
    expect(mappingConcurrency({ ProvisionedPollerConfig: {} })).toBe(2000);
  });
});
