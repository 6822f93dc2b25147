import { OpsError } from '../../../ops/cli-kit/ops-error';
import { requestHeaders } from '../../../load/lib/request-auth';
import { regionOfApiUrl, requestAuthorizer, TOKEN_VARIABLE } from '../../../load/lib/stage-load-target';

const aws = {
  region: async () => 'us-east-1',
  credentials: async () => ({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' }),
};
const request = { method: 'POST', path: '/orders', body: '{}' };

describe('regionOfApiUrl', () => {
  it('reads the region from an execute-api host and nothing from any other', () => {
    expect(regionOfApiUrl('https://a1b2c3.execute-api.eu-central-1.amazonaws.com')).toBe('eu-central-1');
    expect(regionOfApiUrl('https://a1b2c3.execute-api.ap-southeast-2.amazonaws.com/')).toBe('ap-southeast-2');
    expect(regionOfApiUrl('http://127.0.0.1:3000')).toBeUndefined();
  });
});

describe('requestAuthorizer', () => {
  afterEach(() => {
    delete process.env[TOKEN_VARIABLE];
  });

  it('sends plain JSON to an open stage', async () => {
    const { auth } = await requestAuthorizer('dev', { type: 'none' }, 'https://x.execute-api.us-east-1.amazonaws.com', aws);
    expect(requestHeaders(auth(), request)).toEqual({ 'content-type': 'application/json' });
  });

  it('signs for an IAM stage in the region of its API, not of the SDK settings', async () => {
    const { auth, stop } = await requestAuthorizer('staging', { type: 'iam' }, 'https://x.execute-api.eu-west-1.amazonaws.com', aws);
    const headers = requestHeaders(auth(), request);
    stop();
    expect(headers.host).toBe('x.execute-api.eu-west-1.amazonaws.com');
    expect(headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/);
  });

  it('asks for a token for a JWT stage, naming the variable, issuer and audience', async () => {
    const auth = { type: 'jwt', issuer: 'https://issuer.example.com', audience: ['orders'] } as const;
    await expect(requestAuthorizer('prod', auth, 'https://x', aws)).rejects.toThrow(OpsError);
    await expect(requestAuthorizer('prod', auth, 'https://x', aws)).rejects.toThrow(/ORDERS_API_TOKEN.*|issuer\.example\.com/);
    process.env[TOKEN_VARIABLE] = 'eyJ.token';
    const authorizer = await requestAuthorizer('prod', auth, 'https://x', aws);
    expect(requestHeaders(authorizer.auth(), request).authorization).toBe('Bearer eyJ.token');
  });
});
