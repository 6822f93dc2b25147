import { OpsError } from '../../../ops/cli-kit/ops-error';
import { requestHeaders } from '../../../load/lib/request-auth';
import { regionOfApiUrl, requestAuthorizer, TOKEN_VARIABLE } from '../../../load/lib/stage-load-target';

const aws = {
  region: async () => 'us-east-1',
  credentials: async () => ({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' }),
};
const request = { method: 'POST', path: '/orders', body: '{}' };

describe('regionOfApiUrl', () => {
  it.each([
    ['https://a1b2c3.execute-api.eu-central-1.amazonaws.com', 'eu-central-1'],
    ['https://a1b2c3.execute-api.ap-southeast-2.amazonaws.com/', 'ap-southeast-2'],
  ])('reads the region from the execute-api host %s', (apiUrl, region) => {
    expect(regionOfApiUrl(apiUrl)).toBe(region);
  });

  it.each(['http://127.0.0.1:3000', 'https://orders.example.com', 'https://example.com/x.execute-api.us-east-1.amazonaws.com'])(
    'reads no region from %s, which is not an execute-api host',
    (apiUrl) => {
      expect(regionOfApiUrl(apiUrl)).toBeUndefined();
    },
  );
});

describe('requestAuthorizer', () => {
  beforeEach(() => {
    delete process.env[TOKEN_VARIABLE];
  });
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
    expect(headers.Host).toBe('x.execute-api.eu-west-1.amazonaws.com');
    expect(headers.Authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
  });

  const jwt = { type: 'jwt', issuer: 'https://issuer.example.com', audience: ['orders', 'orders-admin'] } as const;

  it('refuses a JWT stage without a token, naming the variable to set and the issuer and audience the token must have', async () => {
    const refusal: unknown = await requestAuthorizer('prod', jwt, 'https://x', aws).catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(OpsError);
    const { message } = refusal as OpsError;
    expect(message).toContain('ORDERS_API_TOKEN');
    expect(message).toContain('https://issuer.example.com');
    expect(message).toContain('orders, orders-admin');
  });

  it('sends the token from the environment as a bearer token to a JWT stage', async () => {
    process.env[TOKEN_VARIABLE] = 'eyJ.token';

    const { auth } = await requestAuthorizer('prod', jwt, 'https://x', aws);

    expect(requestHeaders(auth(), request)).toEqual({ 'content-type': 'application/json', authorization: 'Bearer eyJ.token' });
  });

  it('prefers a token it is given over the environment', async () => {
    process.env[TOKEN_VARIABLE] = 'eyJ.from-environment';

    const { auth } = await requestAuthorizer('prod', jwt, 'https://x', { ...aws, bearerToken: 'eyJ.given' });

    expect(requestHeaders(auth(), request).authorization).toBe('Bearer eyJ.given');
  });
});
