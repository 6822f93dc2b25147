import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { requestUnitsOf } from './dynamodb-capacity';

/** SQS bills every 64 KB chunk of a request's payload as one request. */
const SQS_BILLING_CHUNK_BYTES = 64 * 1024;

/** What the requests through one counter would cost on AWS, in billing units. */
export interface BilledUsage {
  /** SQS: requests in 64 KB chunks. */
  sqsRequests: number;
  /** DynamoDB on-demand request units. */
  readUnits: number;
  writeUnits: number;
}

/**
 * A pass-through HTTP proxy in front of an emulator that counts requests by operation
 * (`<service>:<Operation>`, from the X-Amz-Target header of the AWS JSON protocols). Functions talk
 * to the emulators through it, so the counts are what the code really sent, crashed invocations included.
 */
export class RequestCounter {
  readonly counts = new Map<string, number>();
  readonly billed: BilledUsage = { sqsRequests: 0, readUnits: 0, writeUnits: 0 };
  private readonly agent = new http.Agent({ keepAlive: true });

  private constructor(
    private readonly server: http.Server,
    readonly endpoint: string,
  ) {}

  static async start(service: string, target: URL): Promise<RequestCounter> {
    let counter: RequestCounter | undefined;
    const server = http.createServer((request, response) => {
      const operation = String(request.headers['x-amz-target'] ?? 'unknown').split('.').pop();
      const key = `${service}:${operation}`;
      counter?.counts.set(key, (counter.counts.get(key) ?? 0) + 1);
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: request.method, path: request.url, headers: request.headers, agent: counter?.agent },
        (upstreamResponse) => {
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
        upstream.end();
        counter?.bill(service, operation ?? 'unknown', Buffer.concat(chunks));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    counter = new RequestCounter(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return counter;
  }

  private bill(service: string, operation: string, body: Buffer): void {
    if (service === 'sqs') {
      this.billed.sqsRequests += Math.max(1, Math.ceil(body.byteLength / SQS_BILLING_CHUNK_BYTES));
    } else if (service === 'dynamodb') {
      const units = requestUnitsOf(operation, body.toString('utf8'));
      this.billed.readUnits += units.readUnits;
      this.billed.writeUnits += units.writeUnits;
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    this.agent.destroy();
  }
}
