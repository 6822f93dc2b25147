import * as http from 'node:http';
import * as net from 'node:net';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { SignatureV4 } from '@smithy/signature-v4';
import { fromOrderItem, type OrderItem } from '@orders-pipeline/shared';
import { type DashboardSnapshot, LOCAL_CREDENTIALS, LOCAL_REGION, NodeSha256 } from '../../local-runtime';
import { sampleOrder } from '../support/fixtures';
import { eventually, type RuntimeHarness, runtimeForSuite } from '../support/local-runtime-harness';

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** One request exactly as given: node:http sends a `path` option as is (fetch and URLs would resolve its dot segments). */
const send = (
  baseUrl: string,
  request: { method: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(baseUrl);
    const target = { host: hostname, port: Number(port), method: request.method, path: request.path, headers: request.headers };
    const outgoing = http.request(target, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });

/** Announces a body of 1 KB, sends 10 bytes of it, and hangs up: a client that gives up mid-body. */
const abortMidBody = (baseUrl: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(baseUrl);
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(
        `POST /orders HTTP/1.1\r\nhost: ${hostname}:${port}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"orderId"`,
        () => setTimeout(() => socket.destroy(), 50),
      );
    });
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });

const snapshotOf = async (harness: RuntimeHarness): Promise<DashboardSnapshot> =>
  (await (await fetch(`${harness.runtime.dashboardUrl}/snapshot`)).json()) as DashboardSnapshot;

/** Signs a POST /orders for execute-api as the SDK's signer does (it adds and signs x-amz-content-sha256). */
const signedPost = async (
  baseUrl: string,
  body: string,
  options: { region?: string; service?: string; at?: Date; contentSha256?: string } = {},
): Promise<Record<string, string>> => {
  const { host } = new URL(baseUrl);
  const headers: Record<string, string> = { host, 'content-type': 'application/json' };
  if (options.contentSha256) headers['x-amz-content-sha256'] = options.contentSha256;
  const signer = new SignatureV4({
    credentials: LOCAL_CREDENTIALS,
    region: options.region ?? LOCAL_REGION,
    service: options.service ?? 'execute-api',
    sha256: NodeSha256,
  });
  const signed = await signer.sign(
    { method: 'POST', protocol: 'http:', hostname: host, path: '/orders', query: {}, headers, body },
    { signingDate: options.at ?? new Date() },
  );
  return Object.fromEntries(Object.entries(signed.headers).map(([name, value]) => [name, String(value)]));
};

/** The first dashboard sample taken after `time`: it counts every request answered before then (it samples once a second). */
const sampledAfter = (harness: RuntimeHarness, time: number): Promise<DashboardSnapshot> =>
  eventually(`a dashboard sample after ${new Date(time).toISOString()}`, async () => {
    const latest = await snapshotOf(harness);
    return latest.at > time ? latest : undefined;
  });

/** The intake function's invocations (the consumer runs on its own schedule). */
const intakeInvocationsOf = (snapshot: DashboardSnapshot): number | undefined =>
  snapshot.functions.find((fn) => fn.logicalId.startsWith('ApiFunction'))?.totals.invocations;

/** A client hangs up mid-body: the dashboard counts one more request and one more 4xx, no 5xx, no invocation, no failure. */
const expectAbortCountedAsClientError = async (harness: RuntimeHarness) => {
  const before = await sampledAfter(harness, Date.now());
  await abortMidBody(harness.runtime.apiUrl);
  const after = await eventually('the aborted request in the dashboard', async () => {
    const latest = await snapshotOf(harness);
    return latest.api.totals.requests > before.api.totals.requests ? latest : undefined;
  });
  expect(after.api.totals).toEqual({
    requests: before.api.totals.requests + 1,
    '4xx': before.api.totals['4xx'] + 1,
    '5xx': 0,
  });
  expect(intakeInvocationsOf(after)).toBeDefined();
  expect(intakeInvocationsOf(after)).toBe(intakeInvocationsOf(before));
  expect(after.failures).toEqual([]);
};

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** What every stage must show after its hostile cases: the one good order stored once and as sent, no 5xx, a quiet feed. */
const expectNothingLostDoubledOrAltered = async (harness: RuntimeHarness, goodOrderId: string, refusedOrderIds: readonly string[]) => {
  const stored = await eventually('the good order stored', () => harness.storedOrder(goodOrderId), 30_000);
  expect(fromOrderItem(stored as unknown as OrderItem).order).toEqual(sampleOrder({ orderId: goodOrderId }));
  for (const orderId of refusedOrderIds) expect(await harness.storedOrder(orderId)).toBeUndefined();
  // The item is written during the consumer's invocation, the batch is reported after it: wait for the report.
  const recordsProcessed = () => harness.batches.reduce((sum, batch) => sum + batch.records, 0);
  await eventually('the batch that stored the good order', () => recordsProcessed() >= 1);
  const { Attributes } = await harness.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: harness.outputs.QueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  expect(Attributes).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  expect(recordsProcessed()).toBe(1);
};

describe('the local gateway under hostile input (dev: open API)', () => {
  const harness = runtimeForSuite();
  const order = sampleOrder({ orderId: 'hostile-dev-good' });

  it('stores a plain order and keeps the failure feed empty: no SDK warning on any invocation', async () => {
    const answer = await send(harness.runtime.apiUrl, {
      method: 'POST',
      path: '/orders',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(order),
    });
    expect(answer.status).toBe(202);
    await eventually('the order stored', () => harness.storedOrder(order.orderId), 30_000);
    // The dashboard reads the functions' logs once a second: two samples later, every line of both invocations is in.
    const snapshot = await sampledAfter(harness, Date.now() + 2000);
    expect(snapshot.failures).toEqual([]);
  }, 40_000);

  it('counts a client that gives up mid-body as a client-side 4xx, never a 5xx, and runs no function', async () => {
    await expectAbortCountedAsClientError(harness);
  });

  it.each([
    ['encoded dot segments', '/orders/%2e%2e/openapi.json'],
    ['upper-case encoded dot segments', '/orders/%2E%2E/openapi.json'],
    ['literal dot segments', '/orders/../openapi.json'],
  ])('matches %s as sent, without resolving them: 404 {"message":"Not Found"}', async (_case, path) => {
    const answer = await send(harness.runtime.apiUrl, { method: 'GET', path });
    expect(answer).toEqual({ status: 404, body: JSON.stringify({ message: 'Not Found' }) });
  });

  it('loses, doubles and alters nothing', async () => {
    await expectNothingLostDoubledOrAltered(harness, order.orderId, []);
    expect((await sampledAfter(harness, Date.now())).api.totals['5xx']).toBe(0);
  }, 40_000);
});

describe('the local gateway under hostile input (staging: IAM auth)', () => {
  const harness = runtimeForSuite({ stage: 'staging' });
  const order = sampleOrder({ orderId: 'hostile-staging-good' });
  const tampered = sampleOrder({ orderId: 'hostile-staging-tampered' });
  const unsigned = sampleOrder({ orderId: 'hostile-staging-unsigned' });
  const stale = sampleOrder({ orderId: 'hostile-staging-stale' });
  const misScoped = sampleOrder({ orderId: 'hostile-staging-scope' });

  it('stores an order the SDK signed', async () => {
    const body = JSON.stringify(order);
    const answer = await send(harness.runtime.apiUrl, {
      method: 'POST',
      path: '/orders',
      headers: await signedPost(harness.runtime.apiUrl, body),
      body,
    });
    expect(answer.status).toBe(202);
  });

  it('refuses a signed request whose body was swapped after signing: 403, signature mismatch', async () => {
    const headers = await signedPost(harness.runtime.apiUrl, JSON.stringify(tampered));
    const swapped = JSON.stringify({ ...tampered, items: [{ sku: 'SKU-1', quantity: 999, unitPrice: 1999 }] });
    const answer = await send(harness.runtime.apiUrl, { method: 'POST', path: '/orders', headers, body: swapped });
    expect(answer).toEqual({ status: 403, body: JSON.stringify({ message: SIGNATURE_MISMATCH }) });
  });

  it('refuses a payload signed as UNSIGNED-PAYLOAD: 403, signature mismatch', async () => {
    const body = JSON.stringify(unsigned);
    const headers = await signedPost(harness.runtime.apiUrl, body, { contentSha256: 'UNSIGNED-PAYLOAD' });
    const answer = await send(harness.runtime.apiUrl, { method: 'POST', path: '/orders', headers, body });
    expect(answer).toEqual({ status: 403, body: JSON.stringify({ message: SIGNATURE_MISMATCH }) });
  });

  it('refuses a signature from over 5 minutes ago: 403, Signature expired', async () => {
    const body = JSON.stringify(stale);
    const headers = await signedPost(harness.runtime.apiUrl, body, { at: new Date(Date.now() - 6 * 60_000) });
    const answer = await send(harness.runtime.apiUrl, { method: 'POST', path: '/orders', headers, body });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).message).toMatch(
      /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/,
    );
  });

  it.each([
    ['another region', { region: 'eu-central-1' }, "Credential should be scoped to a valid region, not 'eu-central-1'. "],
    ['another service', { service: 'lambda' }, "Credential should be scoped to correct service: 'execute-api'. "],
  ])('refuses a signature scoped to %s: 403', async (_case, scope, message) => {
    const body = JSON.stringify(misScoped);
    const headers = await signedPost(harness.runtime.apiUrl, body, scope);
    const answer = await send(harness.runtime.apiUrl, { method: 'POST', path: '/orders', headers, body });
    expect(answer).toEqual({ status: 403, body: JSON.stringify({ message }) });
  });

  it('does not resolve encoded dot segments behind IAM auth either: 404 {"message":"Not Found"}', async () => {
    const answer = await send(harness.runtime.apiUrl, { method: 'GET', path: '/orders/%2e%2e/openapi.json' });
    expect(answer).toEqual({ status: 404, body: JSON.stringify({ message: 'Not Found' }) });
  });

  it('counts a client that gives up mid-body as a client-side 4xx, never a 5xx, and runs no function', async () => {
    await expectAbortCountedAsClientError(harness);
  });

  it('loses, doubles and alters nothing, and its failure feed stays empty', async () => {
    await expectNothingLostDoubledOrAltered(harness, order.orderId, [tampered.orderId, unsigned.orderId, stale.orderId, misScoped.orderId]);
    const snapshot = await sampledAfter(harness, Date.now() + 2000);
    expect(snapshot.api.totals['5xx']).toBe(0);
    expect(snapshot.failures).toEqual([]);
  }, 40_000);
});
