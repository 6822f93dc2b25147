import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type CorsSettings, corsHeadersFor, isPreflight, withoutCorsHeaders } from './http-api-cors';
import { type LocalRoute, matchRoute } from './http-api-routes';
import { authorizeIamRequest, type IamIdentity } from './iam-authorizer';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './intrinsics';
import type { LocalFunction } from './lambda/local-function';
import { newTraceRoot, traceRootOf } from './lambda/trace-header';
import type { SigningCredentials } from './sigv4-verifier';

/** How long a stop waits for requests in flight: API Gateway's integration timeout. */
const STOP_GRACE_MS = 30_000;

/** API Gateway's payload limit for HTTP APIs. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

const TEXT_CONTENT = /^(text\/|application\/(json|xml|x-www-form-urlencoded|problem\+json|[\w.+-]+\+json|javascript))/i;

/** The query string's parameters as SigV4 signs them: repeated ones as arrays. */
const queryOf = (url: URL): Record<string, string | string[]> => {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of url.searchParams) {
    const seen = query[name];
    query[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return query;
};

/**
 * The path as the request line sent it. Routes match it as it is: WHATWG URL parsing would resolve `..`, `%2e%2e`
 * and `\` segments (`/orders/%2e%2e/openapi.json` would become `/openapi.json`), which nothing shows API Gateway
 * does (docs/local-runtime.md, "Paths").
 */
const rawPathOf = (target: string | undefined): string => (target ?? '/').split('?')[0];

/** The path a SigV4 signer saw before escaping it; a malformed escape stays as sent (the signature then fails). */
const decodedPath = (pathname: string): string => {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
};

/** API Gateway's request ids: 16 base64 characters, the same in the event and the `apigw-requestid` header. */
const newRequestId = (): string => randomBytes(11).toString('base64');

/** An HTTP API's id: 10 lowercase letters and digits, stable for a stack so that local URLs and logs stay the same. */
export const localApiId = (stackName: string): string =>
  BigInt(`0x${createHash('sha256').update(stackName).digest('hex').slice(0, 16)}`)
    .toString(36)
    .padStart(10, '0')
    .slice(-10);

/** `requestContext.time` as API Gateway writes it: `30/Nov/2026:15:27:35 +0000`. */
export const requestTime = (date: Date): string => {
  const [matched, day, month, year, time] = /^\w+, (\d+) (\w+) (\d+) ([\d:]+)/.exec(date.toUTCString()) ?? [];
  return matched === undefined ? '' : `${day.padStart(2, '0')}/${month}/${year}:${time} +0000`;
};

/** The connection a request came in on: what API Gateway's `x-forwarded-*` headers describe. */
export interface RequestOrigin {
  readonly sourceIp: string;
  readonly port: number;
  readonly protocol: 'http' | 'https';
}

/**
 * The request's headers as payload 2.0 carries them: lower-case names, repeated headers joined with ","
 * (Node joins most with ", " and drops repeats of some, so the raw repeats are read), cookies only in
 * `cookies`, and the `x-forwarded-*` and `x-amzn-trace-id` headers API Gateway adds.
 */
export const eventHeaders = (
  request: Pick<http.IncomingMessage, 'headersDistinct'>,
  origin: RequestOrigin,
): { headers: Record<string, string>; cookies: string[] | undefined } => {
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, values] of Object.entries(request.headersDistinct)) {
    if (values === undefined) continue;
    if (name === 'cookie') {
      cookies = values.flatMap((value) => value.split(';').map((cookie) => cookie.trim())).filter((cookie) => cookie !== '');
      continue;
    }
    headers[name] = values.join(',');
  }
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${origin.sourceIp}` : origin.sourceIp;
  headers['x-forwarded-port'] = String(origin.port);
  headers['x-forwarded-proto'] = origin.protocol;
  const root = traceRootOf(headers['x-amzn-trace-id']);
  headers['x-amzn-trace-id'] = `Root=${root ?? newTraceRoot()}`;
  return { headers, cookies: cookies && cookies.length > 0 ? cookies : undefined };
};

const toEvent = (
  request: http.IncomingMessage,
  body: Buffer,
  route: LocalRoute,
  pathParameters: Record<string, string> | undefined,
  url: URL,
  rawPath: string,
  context: {
    readonly requestId: string;
    readonly apiId: string;
    readonly origin: RequestOrigin;
    /** The IAM caller of a route with IAM auth. */
    readonly iam?: IamIdentity;
  },
): APIGatewayProxyEventV2 => {
  const { headers, cookies } = eventHeaders(request, context.origin);
  // Repeated parameters joined with ",", as API Gateway does.
  const queryStringParameters = Object.fromEntries(Object.entries(queryOf(url)).map(([name, values]) => [name, [values].flat().join(',')]));
  const isText = TEXT_CONTENT.test(headers['content-type'] ?? '');
  const now = new Date();
  const domainName = headers.host ?? '127.0.0.1';
  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath,
    rawQueryString: url.search.replace(/^\?/, ''),
    cookies,
    headers,
    queryStringParameters: url.search ? queryStringParameters : undefined,
    // API Gateway decodes URL-encoded request parameters before passing them on (docs/local-runtime.md, "HTTP API").
    pathParameters: pathParameters && Object.fromEntries(Object.entries(pathParameters).map(([name, value]) => [name, decodedPath(value)])),
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      ...(context.iam ? { authorizer: { iam: context.iam } } : {}),
      apiId: context.apiId,
      domainName,
      domainPrefix: domainName.replace(/:\d+$/, '').split('.')[0],
      http: {
        method: request.method ?? 'GET',
        path: rawPath,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: context.origin.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: context.requestId,
      routeKey: route.routeKey,
      stage: '$default',
      time: requestTime(now),
      timeEpoch: now.getTime(),
    },
    body: body.length === 0 ? undefined : isText ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: body.length > 0 && !isText,
  };
};

interface ProxyResult {
  statusCode?: number;
  headers?: Record<string, string | number | boolean>;
  body?: string;
  isBase64Encoded?: boolean;
  cookies?: string[];
}

/** API Gateway answers with a content-length, never chunked. */
const send = (response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  response.end(text);
};

/** The front's own answers (no function ran): RFC 9457 problem+json with the status API Gateway gives. */
const problemBody = (status: number, detail: string): string =>
  JSON.stringify({ type: 'about:blank', title: http.STATUS_CODES[status] ?? 'Error', status, detail });

const sendProblem = (response: http.ServerResponse, status: number, detail: string, headers: Record<string, string> = {}) => {
  const body = problemBody(status, detail);
  response.writeHead(status, { 'content-type': 'application/problem+json', 'content-length': String(Buffer.byteLength(body)), ...headers });
  response.end(body);
};

/** Requests Node's parser refuses (headers over its limit, malformed lines) never reach a handler: answer them here. */
const answerClientError = (error: NodeJS.ErrnoException, socket: Duplex): void => {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const body = problemBody(
    status,
    status === 431 ? 'The request headers are too large.' : `The request is not valid HTTP (${error.code ?? error.message}).`,
  );
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
};

/**
 * One request, as API Gateway's metrics see it (Count, 4xx, 5xx, Latency). A request its client abandoned
 * before it arrived whole is recorded as a 400: a client-side error, never a 5xx (docs/local-runtime.md).
 */
export interface ApiRequestRecord {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** From the request's arrival to its answer, as API Gateway's Latency. */
  readonly latencyMs: number;
  /** Why the function behind the route failed (`errorType: errorMessage`), when the answer is the front's 500/503/429. */
  readonly functionError?: string;
}

/** What the front serves: the template's routes and its API's CORS configuration. */
export interface LocalHttpApi {
  readonly routes: readonly LocalRoute[];
  readonly cors?: CorsSettings;
}

export interface HttpApiServer {
  readonly url: string;
  readonly httpsUrl: string;
  /** Requests from now on are served by this (watch mode applying a stack change). */
  setApi(api: LocalHttpApi): void;
  stop(): Promise<void>;
}

export const startHttpApi = async (options: {
  readonly api: LocalHttpApi;
  readonly functions: ReadonlyMap<string, LocalFunction>;
  readonly httpPort: number;
  readonly httpsPort: number;
  readonly tls: { key: string; cert: string };
  readonly log: (line: string) => void;
  readonly onRequest?: (request: ApiRequestRecord) => void;
  /** The stack's name: the local API's id is derived from it. */
  readonly stackName: string;
  /** Whose SigV4 signatures routes with IAM auth accept (the emulators' local pair). */
  readonly iamCredentials: readonly SigningCredentials[];
}): Promise<HttpApiServer> => {
  let served = options.api;
  const apiId = localApiId(options.stackName);
  /** Answers the request; returns why the function failed when it did. */
  const handle = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<string | undefined> => {
    const requestId = newRequestId();
    const { routes, cors } = served;
    // API Gateway puts the CORS headers on every answer to a CORS request, its own answers included.
    if (cors)
      for (const [name, value] of Object.entries(corsHeadersFor(cors, request.method, request.headers))) response.setHeader(name, value);
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://127.0.0.1');
    } catch {
      sendProblem(response, 400, `The request target ${JSON.stringify(request.url)} is not a valid path.`, {
        'apigw-requestid': requestId,
      });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > MAX_PAYLOAD_BYTES) {
        sendProblem(response, 413, `The body is over the HTTP API's limit of ${MAX_PAYLOAD_BYTES / (1024 * 1024)} MB.`, {
          'apigw-requestid': requestId,
        });
        return;
      }
      chunks.push(chunk as Buffer);
    }
    const rawPath = rawPathOf(request.url);
    const matched = matchRoute(routes, request.method ?? 'GET', rawPath);
    if (!matched && cors && isPreflight(request.method, request.headers)) {
      // No route takes the OPTIONS request: API Gateway answers the preflight itself.
      response.writeHead(204, { 'apigw-requestid': requestId, 'content-length': '0' });
      response.end();
      return;
    }
    if (!matched) {
      const routeKeys = routes.map((route) => route.routeKey).join(', ');
      options.log(`${request.method} ${rawPath} → 404: no route matches (dot segments are not resolved). Routes: ${routeKeys}.`);
      send(response, 404, { message: 'Not Found' }, { 'apigw-requestid': requestId });
      return;
    }
    const body = Buffer.concat(chunks);
    let iam: IamIdentity | undefined;
    if (matched.route.authorizationType === 'AWS_IAM') {
      const decision = await authorizeIamRequest(
        {
          method: request.method ?? 'GET',
          path: decodedPath(rawPath),
          query: queryOf(url),
          headers: Object.fromEntries(Object.entries(request.headersDistinct).map(([name, values]) => [name, (values ?? []).join(',')])),
          body,
        },
        { credentials: options.iamCredentials, region: LOCAL_REGION, accountId: LOCAL_ACCOUNT },
      );
      if (!decision.allowed) {
        options.log(`${matched.route.routeKey} → 403: ${decision.hint}`);
        send(response, 403, { message: decision.message }, { 'apigw-requestid': requestId });
        return;
      }
      iam = decision.identity;
    } else if (matched.route.authorizationType !== 'NONE') {
      send(
        response,
        403,
        {
          message: `Forbidden: ${matched.route.routeKey} requires ${matched.route.authorizationType} auth, which the local runtime does not verify. Run a stage whose API is open (dev) or uses IAM auth (staging, prod).`,
        },
        { 'apigw-requestid': requestId },
      );
      return;
    }
    const fn = options.functions.get(matched.route.functionLogicalId);
    if (!fn) throw new Error(`no local function ${matched.route.functionLogicalId}`);
    const origin: RequestOrigin = {
      sourceIp: (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
      port: request.socket.localPort ?? 0,
      protocol: request.socket instanceof TLSSocket ? 'https' : 'http',
    };
    const event = toEvent(request, body, matched.route, matched.pathParameters, url, rawPath, { requestId, apiId, origin, iam });
    const invocation = fn.invoke(event, { traceHeader: event.headers['x-amzn-trace-id'] });
    // Past the integration timeout API Gateway answers 503 and stops waiting; the function runs on regardless.
    let integrationTimer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      invocation,
      new Promise<'integration-timeout'>((resolve) => {
        integrationTimer = setTimeout(() => resolve('integration-timeout'), matched.route.integrationTimeoutMs);
      }),
    ]).finally(() => clearTimeout(integrationTimer));
    if (outcome === 'integration-timeout') {
      const seconds = matched.route.integrationTimeoutMs / 1000;
      options.log(`${matched.route.routeKey} → no answer within the integration timeout (${seconds} s): 503`);
      send(response, 503, { message: 'Service Unavailable' }, { 'apigw-requestid': requestId });
      return `IntegrationTimeout: the function did not answer within ${seconds} s`;
    }
    if (!outcome.ok) {
      const functionError = `${outcome.error.errorType}: ${outcome.error.errorMessage}`;
      if (outcome.throttled) {
        send(response, 429, { message: 'Too Many Requests' }, { 'apigw-requestid': requestId });
        return functionError;
      }
      options.log(`${matched.route.routeKey} → ${outcome.error.errorType}: ${outcome.error.errorMessage}`);
      // A function error, a crash and a function timeout alike: Lambda answers with an error, API Gateway with 500.
      send(response, 500, { message: 'Internal Server Error' }, { 'apigw-requestid': requestId });
      return functionError;
    }
    const result = outcome.result as ProxyResult | string | null;
    // Payload 2.0: anything without a statusCode is a 200 JSON body.
    if (result === null || typeof result !== 'object' || result.statusCode === undefined) {
      send(response, 200, typeof result === 'string' ? result : JSON.stringify(result), { 'apigw-requestid': requestId });
      return undefined;
    }
    const returned = Object.fromEntries(Object.entries(result.headers ?? {}).map(([name, value]) => [name, String(value)]));
    const headers: Record<string, string> = { 'apigw-requestid': requestId, ...(cors ? withoutCorsHeaders(returned) : returned) };
    const answer = Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8');
    response.writeHead(result.statusCode, {
      ...headers,
      'content-length': String(answer.length),
      ...(result.cookies ? { 'set-cookie': result.cookies } : {}),
    });
    response.end(answer);
    return undefined;
  };
  let inFlight = 0;
  let stopping = false;
  let drained: (() => void) | undefined;
  const listener = (request: http.IncomingMessage, response: http.ServerResponse) => {
    inFlight += 1;
    const arrived = performance.now();
    // While stopping, every answer closes its connection so that keep-alive clients reconnect elsewhere.
    if (stopping) response.setHeader('connection', 'close');
    handle(request, response)
      .catch((error: Error) => {
        if (!request.complete && request.destroyed) {
          // The client gave up before its request arrived whole: no function ran and nothing failed on our side.
          // A client-side 4xx (status 400 in the record, never sent: nobody is listening), never a 5xx.
          options.log(
            `${request.method} ${rawPathOf(request.url)}: the client closed the connection before its request arrived whole (${error.message}); no function ran`,
          );
          response.statusCode = 400;
          response.destroy();
          return undefined;
        }
        options.log(`HTTP API error: ${error.message}`);
        if (!response.headersSent) send(response, 500, { message: 'Internal Server Error' });
        else response.destroy();
        return undefined;
      })
      .then((functionError) =>
        options.onRequest?.({
          method: request.method ?? 'GET',
          path: rawPathOf(request.url),
          status: response.statusCode,
          latencyMs: performance.now() - arrived,
          functionError,
        }),
      )
      .finally(() => {
        inFlight -= 1;
        if (inFlight === 0) drained?.();
      });
  };

  const httpServer = http.createServer(listener);
  const httpsServer = https.createServer({ key: options.tls.key, cert: options.tls.cert }, listener);
  for (const server of [httpServer, httpsServer]) server.on('clientError', answerClientError);
  const listen = (server: http.Server, port: number, flag: string) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(new Error(`Cannot listen on 127.0.0.1:${port} (${error.code}). Stop what uses it or pass ${flag} <port>.`)),
      );
      server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
  const httpPort = await listen(httpServer, options.httpPort, '--api-port');
  const httpsPort = await listen(httpsServer, options.httpsPort, '--https-port');
  const servers = [httpServer, httpsServer];
  return {
    url: `http://127.0.0.1:${httpPort}`,
    httpsUrl: `https://127.0.0.1:${httpsPort}`,
    setApi: (next) => {
      served = next;
    },
    // Stops accepting connections, lets requests in flight finish (at most STOP_GRACE_MS), then closes the rest.
    stop: async () => {
      stopping = true;
      const closed = Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
      for (const server of servers) server.closeIdleConnections();
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          drained = resolve;
          setTimeout(resolve, STOP_GRACE_MS).unref();
        });
      }
      for (const server of servers) server.closeAllConnections();
      await closed;
    },
  };
};
