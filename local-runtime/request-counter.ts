import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { requestUnitsOf } from './dynamodb-capacity';
import { callerIdInUserAgent } from './lambda/caller-id';
import type { DynamoDbWireFaults, WireResponse } from './faults/dynamodb-wire-faults';
import type { SharedCounts } from './shared-counts';

/** SQS bills every 64 KB chunk of a request's payload as one request. */
const SQS_BILLING_CHUNK_BYTES = 64 * 1024;
/** SQS operations whose answers carry queue URLs: the emulator's URLs in them are moved onto the counter. */
const QUEUE_URL_OPERATIONS = new Set(['CreateQueue', 'GetQueueUrl', 'ListQueues', 'ListDeadLetterSourceQueues']);
/** The emulator's queue URLs (local-runtime/emulators/sqs-server.mjs builds them on 127.0.0.1, account 000000000000). */
const EMULATOR_QUEUE_URL = /http:\/\/127\.0\.0\.1:\d+\/(?=000000000000\/)/g;
/** How long a call whose caller is to crash is held for the caller to die, before it is answered after all. */
const CRASH_WAIT_MS = 1_000;

/** Faults to inject into one service's calls, and how to make a caller crash. */
export interface WireFaultHooks {
  readonly faults: DynamoDbWireFaults;
  /** Asks the runtime to kill the execution environment that made the call (see lambda/caller-id.ts). */
  readonly crashCaller: (callerId: string) => void;
}

/**
 * The operation a call names: the X-Amz-Target header of the AWS JSON protocols, else the `Action` of a query
 * protocol body (older SDKs and the AWS CLI send SQS calls so).
 */
const operationOf = (headers: http.IncomingHttpHeaders, body: Buffer | undefined): string | undefined => {
  const target = headers['x-amz-target'];
  if (target !== undefined) return String(target).split('.').pop() || 'unknown';
  if (body === undefined) return undefined;
  if (!String(headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return 'unknown';
  return new URLSearchParams(body.toString('utf8')).get('Action') ?? 'unknown';
};

/**
 * A pass-through HTTP proxy in front of an emulator that counts requests by operation (`<service>:<Operation>`)
 * and what AWS would bill for them. Functions talk to the emulators through it, so the counts are what the code
 * really sent, crashed invocations included. Queue URLs in SQS answers point back at it, so that an SDK sending to
 * the QueueUrl's host (the default) stays counted.
 */
export class RequestCounter {
  private readonly agent = new http.Agent({ keepAlive: true });

  private constructor(
    private readonly server: http.Server,
    readonly endpoint: string,
  ) {}

  static async start(service: string, target: URL, counts: SharedCounts, faultHooks?: WireFaultHooks): Promise<RequestCounter> {
    let agent: http.Agent | undefined;
    let endpoint = '';
    const server = http.createServer((request, response) => {
      // Known from the header at once; a query protocol call's Action once its body has arrived.
      let operation = operationOf(request.headers, undefined);
      if (operation !== undefined) counts.count(`${service}:${operation}`);
      if (operation !== undefined && faultHooks?.faults.intercepts(operation)) {
        const intercepted = operation;
        const forward = (body: Buffer) => {
          bill(counts, service, intercepted, body);
          return forwardWhole(target, agent, request, body);
        };
        void answerWithFaults(request, response, intercepted, faultHooks, forward);
        return;
      }
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: request.method, path: request.url, headers: request.headers, agent },
        (upstreamResponse) => {
          if (service === 'sqs' && QUEUE_URL_OPERATIONS.has(operation ?? '') && !upstreamResponse.headers['content-encoding']) {
            answerWithQueueUrlsOn(endpoint, upstreamResponse, response);
            return;
          }
          response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
          upstreamResponse.pipe(response);
        },
      );
      upstream.on('error', () => {
        if (!response.headersSent) response.writeHead(502);
        response.end();
      });
      // A function's client gave up (timeout, environment killed): drop the upstream call with it.
      request.on('error', () => upstream.destroy());
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        upstream.write(chunk);
      });
      request.on('end', () => {
        const body = Buffer.concat(chunks);
        if (operation === undefined) {
          operation = operationOf(request.headers, body) ?? 'unknown';
          counts.count(`${service}:${operation}`);
        }
        upstream.end();
        bill(counts, service, operation, body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const counter = new RequestCounter(server, endpoint);
    agent = counter.agent;
    return counter;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    this.agent.destroy();
  }
}

/** Passes an SQS answer on with the emulator's queue URLs in it moved onto the counter. */
const answerWithQueueUrlsOn = (endpoint: string, upstreamResponse: http.IncomingMessage, response: http.ServerResponse): void => {
  const chunks: Buffer[] = [];
  upstreamResponse.on('data', (chunk: Buffer) => chunks.push(chunk));
  upstreamResponse.on('error', () => response.destroy());
  upstreamResponse.on('end', () => {
    const body = Buffer.from(Buffer.concat(chunks).toString('utf8').replace(EMULATOR_QUEUE_URL, `${endpoint}/`), 'utf8');
    // The rewritten body has a length of its own: sent whole, never chunked.
    const headers = Object.fromEntries(Object.entries(upstreamResponse.headers).filter(([name]) => name !== 'transfer-encoding'));
    response.writeHead(upstreamResponse.statusCode ?? 502, { ...headers, 'content-length': String(body.byteLength) });
    response.end(body);
  });
};

const readBody = (request: http.IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });

/** Sends a whole body upstream and reads the whole answer; an unreachable emulator answers 502, as the proxy does for streamed calls. */
const forwardWhole = (target: URL, agent: http.Agent | undefined, request: http.IncomingMessage, body: Buffer): Promise<WireResponse> =>
  new Promise((resolve) => {
    const headers = { ...request.headers, 'content-length': String(body.byteLength) };
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: request.method, path: request.url, headers, agent },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(chunks) }));
        answer.on('error', () => resolve({ status: 502, headers: {}, body: Buffer.alloc(0) }));
      },
    );
    upstream.on('error', () => resolve({ status: 502, headers: {}, body: Buffer.alloc(0) }));
    upstream.end(body);
  });

const answerWithFaults = async (
  request: http.IncomingMessage,
  response: http.ServerResponse,
  operation: string,
  hooks: WireFaultHooks,
  forward: (body: Buffer) => Promise<WireResponse>,
): Promise<void> => {
  let body: Buffer;
  try {
    body = await readBody(request);
  } catch {
    return; // The caller went away while sending: nothing to answer.
  }
  const outcome = await hooks.faults.handle(operation, body, forward);
  const callerId = outcome.crashCaller ? callerIdInUserAgent(String(request.headers['user-agent'] ?? '')) : undefined;
  if (callerId !== undefined) {
    // The write happened; the caller dies before it learns so, as a crash mid-batch would.
    let callerGone = false;
    const closed = new Promise<void>((resolve) =>
      response.once('close', () => {
        callerGone = true;
        resolve();
      }),
    );
    hooks.crashCaller(callerId);
    await Promise.race([closed, sleep(CRASH_WAIT_MS)]);
    if (callerGone) return;
  }
  response.writeHead(outcome.response.status, outcome.response.headers);
  response.end(outcome.response.body);
};

const bill = (counts: SharedCounts, service: string, operation: string, body: Buffer): void => {
  if (service === 'sqs') {
    counts.bill({ sqsRequests: Math.max(1, Math.ceil(body.byteLength / SQS_BILLING_CHUNK_BYTES)) });
  } else if (service === 'dynamodb') {
    counts.bill(requestUnitsOf(operation, body.toString('utf8')));
  }
};
