import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { requestUnitsOf } from './dynamodb-capacity';
import { SharedCounts } from './shared-counts';

/** SQS bills every 64 KB chunk of a request's payload as one request. */
const SQS_BILLING_CHUNK_BYTES = 64 * 1024;

/**
 * A pass-through HTTP proxy in front of an emulator that counts requests by operation
 * (`<service>:<Operation>`, from the X-Amz-Target header of the AWS JSON protocols) and what AWS would
 * bill for them. Functions talk to the emulators through it, so the counts are what the code really
 * sent, crashed invocations included.
 */
export class RequestCounter {
  private readonly agent = new http.Agent({ keepAlive: true });

  private constructor(
    private readonly server: http.Server,
    readonly endpoint: string,
  ) {}

  static async start(service: string, target: URL, counts: SharedCounts): Promise<RequestCounter> {
    let agent: http.Agent | undefined;
    const server = http.createServer((request, response) => {
      const operation = String(request.headers['x-amz-target'] ?? 'unknown').split('.').pop() ?? 'unknown';
      counts.count(`${service}:${operation}`);
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: request.method, path: request.url, headers: request.headers, agent },
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
        bill(counts, service, operation, Buffer.concat(chunks));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const counter = new RequestCounter(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
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

const bill = (counts: SharedCounts, service: string, operation: string, body: Buffer): void => {
  if (service === 'sqs') {
    counts.bill({ sqsRequests: Math.max(1, Math.ceil(body.byteLength / SQS_BILLING_CHUNK_BYTES)) });
  } else if (service === 'dynamodb') {
    counts.bill(requestUnitsOf(operation, body.toString('utf8')));
  }
};
