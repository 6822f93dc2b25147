import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateLoad, type LoadGeneratorOptions } from '../../load/lib/load-generator';
import type { RequestAuth } from '../../load/lib/request-auth';

/** A stand-in intake API: accepts every order but those whose id ends in 7, records each request's authorization. */
class FakeIntake {
  readonly authorizations: string[] = [];
  private server?: Server;

  constructor(private readonly answer: (request: IncomingMessage, respond: () => void) => void = (_request, respond) => respond()) {}

  async start(): Promise<string> {
    const server = createServer((request, response) => this.handle(request, response));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolve) => this.server?.close(() => resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      this.authorizations.push(String(request.headers.authorization));
      this.answer(request, () => {
        const parsed = JSON.parse(body) as { orderId?: string; orders?: { orderId: string }[] };
        const verdict = (orderId: string) => ({ orderId, status: orderId.endsWith('7') ? 'REJECTED' : 'ACCEPTED' });
        const [status, answer] = parsed.orders
          ? [207, { results: parsed.orders.map((order) => verdict(order.orderId)) }]
          : [parsed.orderId?.endsWith('7') ? 422 : 202, { orderId: parsed.orderId }];
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      });
    });
  }
}

const bearer = (token: string): RequestAuth => ({
  type: 'headers',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
});

const options = (url: string, overrides: Partial<LoadGeneratorOptions> = {}): LoadGeneratorOptions => ({
  url,
  runId: 'unit',
  orders: 40,
  ordersPerRequest: 1,
  connections: 4,
  auth: bearer('first'),
  seed: 42,
  ...overrides,
});

describe('generateLoad (autocannon in a worker thread)', () => {
  let intake: FakeIntake;
  afterEach(() => intake.stop());

  it('reports every order sent, answered and accepted, by id, for single and batch intake, with autocannon or evenly paced', async () => {
    intake = new FakeIntake();
    const url = await intake.start();

    const single = await generateLoad(options(url));
    const batch = await generateLoad(options(url, { runId: 'batch', orders: 50, ordersPerRequest: 10 }));
    const paced = await generateLoad(options(url, { evenPace: true, rate: 400 }));

    expect(single.requests).toBe(40);
    expect(single.sent.map(([id]) => id).sort()).toEqual(Array.from({ length: 40 }, (_, i) => `unit-${i}`).sort());
    expect(single.accepted.map(([id]) => id).sort()).toEqual(
      single.sent
        .map(([id]) => id)
        .filter((id) => !id.endsWith('7'))
        .sort(),
    );
    expect(single.answered).toHaveLength(40);
    expect(single.statusCounts).toEqual({ 202: 36, 422: 4 });
    expect(single.stoppedEarly).toBe(false);
    expect(batch.statusCounts).toEqual({ 207: 5 });
    expect(batch.accepted).toHaveLength(45);
    expect(new Map(batch.sent).get('batch-3')).toEqual(new Map(batch.accepted).get('batch-3'));
    expect(paced).toMatchObject({ requests: 40, statusCounts: { 202: 36, 422: 4 }, errors: 0, stoppedEarly: false });
    expect(paced.accepted).toHaveLength(36);
  }, 30_000);

  it('sends the same orders again for the same seed, and other orders for another', async () => {
    intake = new FakeIntake();
    const url = await intake.start();
    const contents = async (seed: number) => new Map((await generateLoad(options(url, { seed, evenPace: true, rate: 1000 }))).sent);

    const first = await contents(7);
    const replay = await contents(7);
    const other = await contents(8);

    expect(replay).toEqual(first);
    expect(other).not.toEqual(first);
  }, 30_000);

  it('signs the requests after a renewal with the renewed authorization', async () => {
    let renewed = false;
    // Once the renewal is out, requests still carrying the old authorization are answered late, so the run cannot end before the worker has it.
    intake = new FakeIntake((request, respond) => {
      if (intake.authorizations.length > 3 && request.headers.authorization === 'Bearer first') {
        const wait = setInterval(() => {
          if (!renewed) return;
          clearInterval(wait);
          setTimeout(respond, 100);
        }, 10);
      } else respond();
    });
    const url = await intake.start();

    await generateLoad(options(url, { connections: 1, orders: 20 }), {
      auth: () => {
        if (intake.authorizations.length <= 3) return bearer('first');
        renewed = true;
        return bearer('second');
      },
      authRefreshMs: 20,
    });

    expect(intake.authorizations[0]).toBe('Bearer first');
    expect(intake.authorizations.at(-1)).toBe('Bearer second');
  }, 30_000);

  it('stops sending when its signal aborts and reports what it measured until then', async () => {
    const controller = new AbortController();
    intake = new FakeIntake((_request, respond) => {
      if (intake.authorizations.length === 5) controller.abort();
      setTimeout(respond, 20);
    });
    const url = await intake.start();

    const result = await generateLoad(options(url, { connections: 1, orders: 10_000 }), { signal: controller.signal });

    expect(result.stoppedEarly).toBe(true);
    expect(result.requests).toBeGreaterThanOrEqual(4);
    expect(result.requests).toBeLessThan(10_000);
    expect(result.answered.length).toBeLessThanOrEqual(result.sent.length);
  }, 30_000);
});
