import { SignatureV4 } from '@smithy/signature-v4';
import { authorizeIamRequest, type SignedRequest } from '../../../local-runtime/iam-authorizer';
import { NodeSha256, type SigningCredentials } from '../../../local-runtime/sigv4-verifier';

const credentials: SigningCredentials = { accessKeyId: 'AKIALOCAL', secretAccessKey: 'local-secret' };
const region = 'eu-west-1';
const now = new Date('2026-12-07T01:30:00Z');
const body = '{"orderId":"o-1","quantity":1}';

/** Signs as the SDK's own signer does for a client: it adds and signs x-amz-content-sha256 unless told otherwise. */
const signed = async (
  overrides: { body?: string; contentSha256?: string; region?: string; service?: string; at?: Date } = {},
): Promise<SignedRequest> => {
  const signer = new SignatureV4({
    credentials,
    region: overrides.region ?? region,
    service: overrides.service ?? 'execute-api',
    sha256: NodeSha256,
  });
  const headers: Record<string, string> = { host: 'abc123.execute-api.eu-west-1.amazonaws.com', 'content-type': 'application/json' };
  if (overrides.contentSha256 !== undefined) headers['x-amz-content-sha256'] = overrides.contentSha256;
  const request = await signer.sign(
    { method: 'POST', protocol: 'https:', hostname: headers.host, path: '/orders', query: {}, headers, body: overrides.body ?? body },
    { signingDate: overrides.at ?? now },
  );
  return {
    method: 'POST',
    path: '/orders',
    query: {},
    headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), String(value)])),
    body: Buffer.from(overrides.body ?? body),
  };
};

const authorize = (request: SignedRequest) =>
  authorizeIamRequest(request, { credentials: [credentials], region, accountId: '000000000000', now });

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

describe('authorizeIamRequest', () => {
  it('allows a request the SDK signed, with the x-amz-content-sha256 header it adds', async () => {
    const request = await signed();
    expect(request.headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
    const decision = await authorize(request);
    expect(decision.allowed).toBe(true);
  });

  it('refuses a signed request whose body was swapped after signing, though its x-amz-content-sha256 header still matches the signature', async () => {
    const request = await signed();
    const decision = await authorize({ ...request, body: Buffer.from('{"orderId":"o-1","quantity":999}') });
    expect(decision).toMatchObject({ allowed: false, message: MISMATCH });
  });

  it('refuses a payload signed as UNSIGNED-PAYLOAD, which execute-api does not accept', async () => {
    const request = await signed({ contentSha256: 'UNSIGNED-PAYLOAD' });
    expect(request.headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
    const decision = await authorize(request);
    expect(decision).toMatchObject({ allowed: false, message: MISMATCH });
  });

  it('allows a body whose signed x-amz-content-sha256 header is its own hash, whatever the body', async () => {
    const other = '{"orderId":"o-2"}';
    const decision = await authorize(await signed({ body: other }));
    expect(decision.allowed).toBe(true);
  });

  it('refuses a signature dated over 5 minutes ago with API Gateway\'s "Signature expired" message', async () => {
    const decision = await authorize(await signed({ at: new Date(now.getTime() - 5 * 60_000 - 1000) }));
    expect(decision).toMatchObject({
      allowed: false,
      message: 'Signature expired: 20261207T012459Z is now earlier than 20261207T012500Z (20261207T013000Z - 5 min.)',
    });
  });

  it('refuses a signature dated over 5 minutes ahead with API Gateway\'s "Signature not yet current" message', async () => {
    const decision = await authorize(await signed({ at: new Date(now.getTime() + 5 * 60_000 + 1000) }));
    expect(decision).toMatchObject({
      allowed: false,
      message: 'Signature not yet current: 20261207T013501Z is still later than 20261207T013500Z (20261207T013000Z + 5 min.)',
    });
  });

  it('refuses a signature scoped to another region, naming it', async () => {
    const decision = await authorize(await signed({ region: 'us-east-1' }));
    expect(decision).toMatchObject({ allowed: false, message: "Credential should be scoped to a valid region, not 'us-east-1'. " });
  });

  it('refuses a signature scoped to another service', async () => {
    const decision = await authorize(await signed({ service: 'sqs' }));
    expect(decision).toMatchObject({ allowed: false, message: "Credential should be scoped to correct service: 'execute-api'. " });
  });
});
