import { once } from 'node:events';
import * as http from 'node:http';
import { LOCAL_CREDENTIALS } from '../../local-runtime';
import { signRequest } from '../../load/lib/sigv4';
import { CONFORMING, conformance, loadFixture } from './fixture';
import { type ProbeCapture, probeForSuite } from './probe-runtime';
import { PROBE_TIMEOUT_SECONDS, SLOW_INTEGRATION_TIMEOUT_MS } from './probe-stack';

interface RawAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/**
 * Sends one request exactly as given: repeated headers stay separate lines on the wire (fetch would join them
 * itself, hiding how the front joins them).
 */
const rawRequest = (base: string, method: string, target: string, headers: readonly [string, string][], body?: Buffer | string) =>
  new Promise<RawAnswer>((resolve, reject) => {
    const request = http.request(`${base}${target}`, { method });
    const byName = new Map<string, string[]>();
    for (const [name, value] of headers) byName.set(name, [...(byName.get(name) ?? []), value]);
    for (const [name, values] of byName) request.setHeader(name, values.length === 1 ? values[0] : values);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    request.on('error', reject);
    request.end(body);
  });

const captureOf = (answer: RawAnswer): ProbeCapture => {
  expect(answer.status).toBe(200);
  return JSON.parse(answer.body) as ProbeCapture;
};

const probeRuntime = probeForSuite();

describe('conformance: the HTTP API delivers payload format 2.0 events as API Gateway does', () => {
  it('a POST with a query string, repeated headers, cookies and a JSON body', async () => {
    const answer = await rawRequest(
      probeRuntime().runtime.apiUrl,
      'POST',
      '/probe/promise?p=1&p=2&q=x%20y',
      [
        ['content-type', 'application/json'],
        ['user-agent', 'probe'],
        ['x-repeated', 'one'],
        ['x-repeated', 'two'],
        ['cookie', 'a=1; b=2'],
        ['cookie', 'c=3'],
      ],
      '{"a":1}',
    );
    const { event } = captureOf(answer);

    expect(conformance(loadFixture('http-api-v2-post'), event)).toEqual(CONFORMING);
    // API Gateway names each request once: the same id in the event and in the answer's header.
    expect(answer.headers['apigw-requestid']).toBe((event.requestContext as { requestId: string }).requestId);
    expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(answer.body)));
  });

  it('a binary body arrives base64-encoded, and no query string means no queryStringParameters', async () => {
    const { event } = captureOf(
      await rawRequest(
        probeRuntime().runtime.apiUrl,
        'POST',
        '/probe/promise',
        [['content-type', 'application/octet-stream']],
        Buffer.from([0, 255, 128, 1]),
      ),
    );

    expect(conformance(loadFixture('http-api-v2-binary'), event)).toEqual(CONFORMING);
  });

  it('the x-forwarded-* headers describe the connection the request came in on; a caller trace id is kept', async () => {
    const { event, env } = captureOf(
      await rawRequest(probeRuntime().runtime.apiUrl, 'GET', '/probe/promise', [
        ['x-forwarded-for', '203.0.113.7'],
        ['x-amzn-trace-id', 'Root=1-6b0e09a0-f1a5ccecefb47eab85ea6018'],
      ]),
    );
    const headers = event.headers as Record<string, string>;

    expect(headers['x-forwarded-for']).toBe('203.0.113.7, 127.0.0.1');
    expect(headers['x-forwarded-proto']).toBe('http');
    expect(headers['x-forwarded-port']).toBe(new URL(probeRuntime().runtime.apiUrl).port);
    expect(headers['x-amzn-trace-id']).toBe('Root=1-6b0e09a0-f1a5ccecefb47eab85ea6018');
    // The function's invocation joins the request's trace, sampled because the probe's tracing is Active.
    expect(env._X_AMZN_TRACE_ID).toMatch(/^Root=1-6b0e09a0-f1a5ccecefb47eab85ea6018;Parent=[0-9a-f]{16};Sampled=1$/);
  });

  it('a function timeout answers 500, as Lambda reports it to API Gateway as a function error', async () => {
    const answer = await rawRequest(probeRuntime().runtime.apiUrl, 'GET', `/probe/sleep?ms=${PROBE_TIMEOUT_SECONDS * 1000 + 1000}`, []);

    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.body)).toEqual({ message: 'Internal Server Error' });
    expect(answer.headers['apigw-requestid']).toMatch(/^[A-Za-z0-9+/]{15}=$/);
  }, 15_000);

  it('past the integration timeout API Gateway answers 503 without waiting for the function', async () => {
    // The function runs on after the 503; its invocation ends here, not in a later test that counts invocations.
    const functionDone = once(probeRuntime().runtime.events, 'invocation');
    const started = Date.now();
    const answer = await rawRequest(probeRuntime().runtime.apiUrl, 'GET', `/slow/sleep?ms=${SLOW_INTEGRATION_TIMEOUT_MS + 1000}`, []);
    const waitedMs = Date.now() - started;

    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body)).toEqual({ message: 'Service Unavailable' });
    expect(waitedMs).toBeLessThan(SLOW_INTEGRATION_TIMEOUT_MS + 900);
    await functionDone;
  }, 15_000);
});

describe('conformance: routes with IAM auth take SigV4-signed requests, as API Gateway does', () => {
  /** Signed by aws4 (load/lib/sigv4), independently of the SDK signer the runtime verifies with. */
  const signedHeaders = (target: string, credentials: { accessKeyId: string; secretAccessKey: string }, now = new Date()) => {
    const host = new URL(probeRuntime().runtime.apiUrl).host;
    return Object.entries(
      signRequest(
        { method: 'GET', host, path: target, headers: {}, body: '' },
        { credentials, region: 'us-east-1', service: 'execute-api' },
        now,
      ),
    ).filter(([name]) => name.toLowerCase() !== 'host') as [string, string][];
  };

  it('a request signed with the local credentials reaches the function with requestContext.authorizer.iam', async () => {
    const target = '/iam/promise?x=1&x=2';
    const answer = await rawRequest(probeRuntime().runtime.apiUrl, 'GET', target, signedHeaders(target, LOCAL_CREDENTIALS));
    const { event } = captureOf(answer);

    expect(conformance(loadFixture('http-api-v2-iam'), event)).toEqual(CONFORMING);
  });

  it.each([
    ['an unsigned request', () => [] as [string, string][], 'Forbidden'],
    [
      'a request signed with another key',
      () => signedHeaders('/iam/promise', { accessKeyId: 'AKIAOTHER', secretAccessKey: 'x' }),
      'The security token included in the request is invalid.',
    ],
    [
      'a request signed with the wrong secret',
      () => signedHeaders('/iam/promise', { accessKeyId: 'local', secretAccessKey: 'wrong' }),
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    ],
    [
      'a signature for another path',
      () => signedHeaders('/iam/other', LOCAL_CREDENTIALS),
      'The request signature we calculated does not match',
    ],
    [
      'a signature ten minutes old',
      () => signedHeaders('/iam/promise', LOCAL_CREDENTIALS, new Date(Date.now() - 600_000)),
      'Signature expired',
    ],
  ])("%s is refused with 403 and API Gateway's message; the function never runs", async (_case, headers, message) => {
    const invocations: string[] = [];
    const count = () => invocations.push('invoked');
    probeRuntime().runtime.events.on('invocation', count);
    const answer = await rawRequest(probeRuntime().runtime.apiUrl, 'GET', '/iam/promise', headers());
    probeRuntime().runtime.events.off('invocation', count);

    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).message).toContain(message);
    expect(invocations).toEqual([]);
  });
});
