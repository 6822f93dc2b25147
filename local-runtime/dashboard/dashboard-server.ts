import * as http from 'node:http';
import { listenOn } from '../ports';

export interface DashboardServer {
  readonly url: string;
  /** Sends an event to every open page. */
  broadcast(event: string, data: unknown): void;
  /** Tells open pages the runtime stopped, closes their streams and the server. */
  stop(): Promise<void>;
}

export interface DashboardRoutes {
  readonly page: () => string;
  /** The latest state, sent to a page as soon as it connects (and served as JSON at /snapshot). */
  readonly snapshot: () => unknown;
  readonly journey: (orderId: string) => Promise<unknown>;
}

const ROUTES = 'GET / (the page), GET /events (server-sent events), GET /snapshot, GET /journey?orderId=<id>';

const sseFrame = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

const sendJson = (response: http.ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
};

/**
 * The dashboard's own small HTTP server on 127.0.0.1: a port apart from the HTTP API's, so that none of its paths
 * can be mistaken for a route of the stack. Pages get one `snapshot` event a second over server-sent events.
 */
export const startDashboardServer = async (options: {
  readonly port: number;
  readonly routes: DashboardRoutes;
  readonly log: (line: string) => void;
}): Promise<DashboardServer> => {
  const streams = new Set<http.ServerResponse>();
  const handle = async (request: http.IncomingMessage, response: http.ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
      response.end(`The dashboard only answers GET. Routes: ${ROUTES}.\n`);
      return;
    }
    switch (url.pathname) {
      case '/':
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        response.end(options.routes.page());
        return;
      case '/events': {
        response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        // A page reconnects by itself 2 s after the stream ends unless it was told the runtime stopped.
        const snapshot = options.routes.snapshot();
        response.write(`retry: 2000\n\n${snapshot === undefined ? '' : sseFrame('snapshot', snapshot)}`);
        streams.add(response);
        request.on('close', () => streams.delete(response));
        return;
      }
      case '/snapshot':
        sendJson(response, 200, options.routes.snapshot());
        return;
      case '/journey': {
        const orderId = url.searchParams.get('orderId')?.trim();
        if (!orderId) {
          sendJson(response, 400, { error: 'Pass the order to look up: /journey?orderId=<orderId>.' });
          return;
        }
        sendJson(response, 200, await options.routes.journey(orderId));
        return;
      }
      default:
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end(`No dashboard route ${url.pathname}. Routes: ${ROUTES}. The orders API is on its own port.\n`);
    }
  };
  const server = http.createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      options.log(`dashboard: ${request.url} failed (${error.message})`);
      if (!response.headersSent) sendJson(response, 500, { error: `${error.name}: ${error.message}` });
      else response.destroy();
    });
  });
  const port = await listenOn(server, options.port, '--dashboard-port');
  return {
    url: `http://127.0.0.1:${port}`,
    broadcast: (event, data) => {
      if (streams.size === 0 || data === undefined) return;
      const frame = sseFrame(event, data);
      for (const stream of streams) stream.write(frame);
    },
    stop: async () => {
      for (const stream of streams) stream.end(sseFrame('stopped', { at: Date.now() }));
      streams.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
};
