import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type CfnTemplate, resourcesOfType } from './cloud-assembly';
import type { LocalFunction } from './lambda/local-function';

/** How long a stop waits for requests in flight: API Gateway's integration timeout. */
const STOP_GRACE_MS = 30_000;

/** API Gateway's payload limit for HTTP APIs. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

export interface LocalRoute {
  readonly method: string;
  readonly path: string;
  readonly routeKey: string;
  readonly functionLogicalId: string;
  readonly authorizationType: string;
}

/** Reads routes → integrations → functions from the template (payload format 2.0 Lambda proxies). */
export const routesFromTemplate = (template: CfnTemplate): LocalRoute[] => {
  const integrations = new Map(resourcesOfType(template, 'AWS::ApiGatewayV2::Integration'));
  return resourcesOfType(template, 'AWS::ApiGatewayV2::Route').map(([logicalId, route]) => {
    const props = route.Properties ?? {};
    const integrationId: string | undefined = props.Target?.['Fn::Join']?.[1]?.find(
      (part: unknown) => typeof part === 'object' && part !== null && 'Ref' in part,
    )?.Ref;
    const functionLogicalId: string | undefined =
      integrationId && integrations.get(integrationId)?.Properties?.IntegrationUri?.['Fn::GetAtt']?.[0];
    if (!functionLogicalId) throw new Error(`route ${logicalId} does not target a Lambda integration the local runtime understands`);
    const [method, path] = String(props.RouteKey).split(' ');
    return { method, path, routeKey: props.RouteKey, functionLogicalId, authorizationType: props.AuthorizationType ?? 'NONE' };
  });
};

const matchRoute = (routes: readonly LocalRoute[], method: string, path: string) => {
  for (const route of routes) {
    if (route.method !== 'ANY' && route.method !== method) continue;
    const pattern = route.path
      .split('/')
      .map((segment) => {
        if (/^\{.+\+\}$/.test(segment)) return `(?<${segment.slice(1, -2)}>.+)`;
        if (/^\{.+\}$/.test(segment)) return `(?<${segment.slice(1, -1)}>[^/]+)`;
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    const match = new RegExp(`^${pattern}$`).exec(path);
    if (match) return { route, pathParameters: match.groups ? { ...match.groups } : undefined };
  }
  return undefined;
};

const TEXT_CONTENT = /^(text\/|application\/(json|xml|x-www-form-urlencoded|problem\+json|[\w.+-]+\+json|javascript))/i;

const toEvent = (
  request: http.IncomingMessage,
  body: Buffer,
  route: LocalRoute,
  pathParameters: Record<string, string> | undefined,
  url: URL,
): APIGatewayProxyEventV2 => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const queryStringParameters: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    queryStringParameters[name] = name in queryStringParameters ? `${queryStringParameters[name]},${value}` : value;
  }
  const isText = TEXT_CONTENT.test(headers['content-type'] ?? '');
  const now = new Date();
  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    cookies: headers.cookie?.split(/;\s*/),
    headers,
    queryStringParameters: url.search ? queryStringParameters : undefined,
    pathParameters,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: route.routeKey,
      stage: '$default',
      time: now.toUTCString(),
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

const send = (response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(typeof body === 'string' ? body : JSON.stringify(body));
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

/** One answered request, as API Gateway's metrics see it (Count, 4xx, 5xx, Latency). */
export interface ApiRequestRecord {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** From the request's arrival to its answer, as API Gateway's Latency. */
  readonly latencyMs: number;
  /** Why the function behind the route failed (`errorType: errorMessage`), when the answer is the front's 500/503/429. */
  readonly functionError?: string;
}

export interface HttpApiServer {
  readonly url: string;
  readonly httpsUrl: string;
  /** Requests from now on are matched against these (watch mode applying a stack change). */
  setRoutes(routes: readonly LocalRoute[]): void;
  stop(): Promise<void>;
}

export const startHttpApi = async (options: {
  readonly routes: readonly LocalRoute[];
  readonly functions: ReadonlyMap<string, LocalFunction>;
  readonly httpPort: number;
  readonly httpsPort: number;
  readonly tls: { key: string; cert: string };
  readonly log: (line: string) => void;
  readonly onRequest?: (request: ApiRequestRecord) => void;
}): Promise<HttpApiServer> => {
  let routes = options.routes;
  /** Answers the request; returns why the function failed when it did. */
  const handle = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<string | undefined> => {
    const requestId = randomUUID();
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
    const matched = matchRoute(routes, request.method ?? 'GET', url.pathname);
    if (!matched) {
      const routeKeys = routes.map((route) => route.routeKey).join(', ');
      sendProblem(response, 404, `No route matches ${request.method} ${url.pathname}. Routes: ${routeKeys}.`, {
        'apigw-requestid': requestId,
      });
      return;
    }
    if (matched.route.authorizationType !== 'NONE') {
      send(
        response,
        403,
        {
          message: `Forbidden: ${matched.route.routeKey} requires ${matched.route.authorizationType} auth, which the local runtime does not verify. Run a stage whose API is open (dev).`,
        },
        { 'apigw-requestid': requestId },
      );
      return;
    }
    const fn = options.functions.get(matched.route.functionLogicalId);
    if (!fn) throw new Error(`no local function ${matched.route.functionLogicalId}`);
    const outcome = await fn.invoke(toEvent(request, Buffer.concat(chunks), matched.route, matched.pathParameters, url));
    if (!outcome.ok) {
      const functionError = `${outcome.error.errorType}: ${outcome.error.errorMessage}`;
      if (outcome.throttled) {
        send(response, 429, { message: 'Too Many Requests' }, { 'apigw-requestid': requestId });
        return functionError;
      }
      options.log(`${matched.route.routeKey} → ${outcome.error.errorType}: ${outcome.error.errorMessage}`);
      send(
        response,
        outcome.timedOut ? 503 : 500,
        { message: outcome.timedOut ? 'Service Unavailable' : 'Internal Server Error' },
        { 'apigw-requestid': requestId },
      );
      return functionError;
    }
    const result = outcome.result as ProxyResult | string | null;
    // Payload 2.0: anything without a statusCode is a 200 JSON body.
    if (result === null || typeof result !== 'object' || result.statusCode === undefined) {
      send(response, 200, typeof result === 'string' ? result : JSON.stringify(result), { 'apigw-requestid': requestId });
      return undefined;
    }
    const headers: Record<string, string> = { 'apigw-requestid': requestId };
    for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
    response.writeHead(result.statusCode, { ...headers, ...(result.cookies ? { 'set-cookie': result.cookies } : {}) });
    response.end(result.body === undefined ? undefined : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8'));
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
        options.log(`HTTP API error: ${error.message}`);
        if (!response.headersSent) send(response, 500, { message: 'Internal Server Error' });
        else response.destroy();
        return undefined;
      })
      .then((functionError) =>
        options.onRequest?.({
          method: request.method ?? 'GET',
          path: (request.url ?? '/').split('?')[0],
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
    setRoutes: (next) => {
      routes = next;
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
