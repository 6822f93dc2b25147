import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createEphemeralDir, type EphemeralDir, type LocalRuntime, startLocalRuntime } from '../../local-runtime';
import { STOREFRONT_ORIGIN, synthesizeStorefront } from './storefront-stack';

let data: EphemeralDir | undefined;
let runtime: LocalRuntime | undefined;

beforeAll(async () => {
  data = createEphemeralDir('orders-storefront-');
  runtime = await startLocalRuntime({
    stage: 'storefront',
    dataDir: data.path,
    ports: { http: 0, https: 0, dynamodb: 0, sqs: 0 },
    synthesize: synthesizeStorefront,
  });
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
  data?.remove();
}, 60_000);

const running = (): LocalRuntime => {
  if (!runtime) throw new Error('the storefront runtime did not start (see the beforeAll error)');
  return runtime;
};

const call = async (method: string, pathAndQuery: string, headers: Record<string, string> = {}) => {
  const response = await fetch(`${running().apiUrl}${pathAndQuery}`, { method, headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
};

const preflight = (pathAndQuery: string, origin: string) =>
  call('OPTIONS', pathAndQuery, { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'content-type' });

describe('the local HTTP API, on a stack of its own (routes, CORS, outputs, counted SQS calls)', () => {
  it("routes by API Gateway's precedence, not template order: exact path, then path variables, then greedy", async () => {
    expect((await call('GET', '/items/special')).json).toEqual({ routeKey: 'GET /items/special', pathParameters: null });
    expect((await call('GET', '/items/7')).json).toEqual({ routeKey: 'GET /items/{id}', pathParameters: { id: '7' } });
    expect((await call('GET', '/items/blue%20mug')).json).toEqual({ routeKey: 'GET /items/{id}', pathParameters: { id: 'blue mug' } });
    expect((await call('GET', '/items/7/reviews')).json).toEqual({
      routeKey: 'GET /items/{proxy+}',
      pathParameters: { proxy: '7/reviews' },
    });
    expect((await call('DELETE', '/files/a/b.txt')).json).toEqual({
      routeKey: 'ANY /files/{proxy+}',
      pathParameters: { proxy: 'a/b.txt' },
    });
  });

  it('answers a preflight no route takes itself, with the configured CORS headers', async () => {
    const answer = await preflight('/items/7', STOREFRONT_ORIGIN);

    expect(answer.status).toBe(204);
    expect(answer.json).toBeUndefined();
    expect(answer.headers.get('access-control-allow-origin')).toBe(STOREFRONT_ORIGIN);
    expect(answer.headers.get('access-control-allow-methods')).toBe('GET,POST');
    expect(answer.headers.get('access-control-allow-headers')).toBe('content-type');
    expect(answer.headers.get('access-control-max-age')).toBe('600');
  });

  it('lets an ANY route take a preflight, and adds the CORS headers to its answer', async () => {
    const answer = await preflight('/files/a.txt', STOREFRONT_ORIGIN);

    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ routeKey: 'ANY /files/{proxy+}' });
    expect(answer.headers.get('access-control-allow-origin')).toBe(STOREFRONT_ORIGIN);
  });

  it("puts the configured headers on a CORS request's answer in place of the function's own", async () => {
    const answer = await call('GET', '/items/7', { origin: STOREFRONT_ORIGIN });

    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe(STOREFRONT_ORIGIN);
    expect(answer.headers.get('access-control-expose-headers')).toBe('apigw-requestid');
  });

  it('gives an origin the configuration does not allow no CORS header at all, so that the browser refuses the answer', async () => {
    const refusedPreflight = await preflight('/items/7', 'https://elsewhere.example');
    const refusedRequest = await call('GET', '/items/7', { origin: 'https://elsewhere.example' });

    expect(refusedPreflight.status).toBe(204);
    expect(refusedPreflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(refusedRequest.status).toBe(200);
    expect(refusedRequest.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("writes the stage's URL and the ApiEndpoint attribute to outputs.json as the local API's URL", () => {
    expect(running().outputs.ApiUrl).toBe(`${running().apiUrl}/`);
    expect(running().outputs.ApiEndpoint).toBe(running().apiUrl);
  });

  it("counts a function's SendMessage to its QueueUrl, and to a URL GetQueueUrl gave it, with no SDK warning", async () => {
    const before = running().requestCounts();
    const count = (name: string) => (running().requestCounts()[name] ?? 0) - (before[name] ?? 0);

    expect((await call('POST', '/send')).status).toBe(200);
    expect(count('sqs:SendMessage')).toBe(1);

    expect((await call('POST', '/send?via=GetQueueUrl')).status).toBe(200);
    expect(count('sqs:GetQueueUrl')).toBe(1);
    expect(count('sqs:SendMessage')).toBe(2);
    const logName = readdirSync(running().logDir).find((name) => name.startsWith('StorefrontFunction') && name.endsWith('.log')) ?? '';
    const functionLog = readFileSync(path.join(running().logDir, logName), 'utf8');
    expect(functionLog).toMatch(/sent to http/);
    expect(functionLog).not.toMatch(/differs from SQSClient resolved endpoint/);
  });
});
