import fc from 'fast-check';
import { RefreshingCredentials, signRequest } from '../../../load/lib/sigv4';
import { parseAuthorization, referenceAuthorization } from '../../../local-runtime/sigv4-verifier';

const credentialsArb = fc.record(
  {
    accessKeyId: fc.stringMatching(/^AKIA[A-Z0-9]{16}$/),
    secretAccessKey: fc.string({ minLength: 20, maxLength: 40 }),
    sessionToken: fc.base64String({ minLength: 4, maxLength: 200 }),
  },
  { requiredKeys: ['accessKeyId', 'secretAccessKey'] },
);

/** Names in lower case, as a verifier reads them; a name sent twice (in two cases) is counted twice. */
const lowerCased = (headers: Record<string, string>): { names: string[]; values: Map<string, string> } => {
  const entries = Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value] as const);
  return { names: entries.map(([name]) => name), values: new Map(entries) };
};

describe('signRequest', () => {
  it('signs so that the SDK signer, recomputing over the headers it names as signed, gets the same signature', async () => {
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

          const headers = signRequest(request, scope, date);

          const { names, values } = lowerCased(headers);
          expect(new Set(names).size).toBe(names.length);
          expect(values.get('x-amz-security-token')).toBe(credentials.sessionToken);
          const sent = parseAuthorization(values.get('authorization') ?? '');
          expect(sent?.signedHeaders).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'content-type']));
          const recomputed = await referenceAuthorization({ ...request, headers }, sent?.signedHeaders ?? [], scope, date);
          expect(parseAuthorization(recomputed ?? '')?.signature).toBe(sent?.signature);
        },
      ),
      { numRuns: 300 },
    );
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
