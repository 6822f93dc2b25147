import fc from 'fast-check';
import { RefreshingCredentials, signRequestSync } from '../../../load/lib/sigv4-sync';
import { referenceSignature } from '../../support/reference-sigv4';

const credentialsArb = fc.record(
  {
    accessKeyId: fc.stringMatching(/^AKIA[A-Z0-9]{16}$/),
    secretAccessKey: fc.string({ minLength: 20, maxLength: 40 }),
    sessionToken: fc.base64String({ minLength: 4, maxLength: 200 }),
  },
  { requiredKeys: ['accessKeyId', 'secretAccessKey'] },
);

describe('signRequestSync', () => {
  it('produces the same headers as @smithy/signature-v4 for any body, path, credentials, region and date', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          credentials: credentialsArb,
          region: fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-2'),
          path: fc.constantFrom('/orders', '/orders/batch', '/'),
          body: fc.oneof(fc.json(), fc.string({ unit: 'grapheme' })),
          contentType: fc.constantFrom('application/json', '  application/json ', 'application/json;  charset=utf-8'),
          date: fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-12-31T23:59:59Z'), noInvalidDate: true }),
        }),
        async ({ credentials, region, path, body, contentType, date }) => {
          const request = { method: 'POST', host: 'abc123.execute-api.example.com', path, headers: { 'content-type': contentType }, body };
          const scope = { credentials, region, service: 'execute-api' };
          expect(signRequestSync(request, scope, date)).toEqual(await referenceSignature(request, scope, date));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a path it would have to escape rather than sign it wrongly', () => {
    const scope = { credentials: { accessKeyId: 'AKIA', secretAccessKey: 's' }, region: 'us-east-1', service: 'execute-api' };
    expect(() => signRequestSync({ method: 'POST', host: 'h', path: '/orders?x=1', headers: {}, body: '' }, scope)).toThrow(/plain paths/);
  });
});

describe('RefreshingCredentials', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('serves the newest credentials and keeps the last good ones when a refresh fails', async () => {
    const answers = [
      async () => ({ accessKeyId: 'first', secretAccessKey: 's' }),
      async () => ({ accessKeyId: 'second', secretAccessKey: 's' }),
      async () => {
        throw new Error('expired SSO session');
      },
    ];
    const holder = await RefreshingCredentials.start(
      () => (answers.shift() as () => Promise<{ accessKeyId: string; secretAccessKey: string }>)(),
      1_000,
    );
    expect(holder.current().accessKeyId).toBe('first');
    await jest.advanceTimersByTimeAsync(1_000);
    expect(holder.current().accessKeyId).toBe('second');
    await jest.advanceTimersByTimeAsync(1_000);
    expect(holder.current().accessKeyId).toBe('second');
    holder.stop();
  });
});
