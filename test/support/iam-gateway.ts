import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SigningCredentials } from '../../load/lib/sigv4';
import { parseAuthorization, referenceAuthorization } from '../../local-runtime/sigv4-verifier';

const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const parseAmzDate = (value: string): Date =>
  new Date(
    `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}T${value.slice(9, 11)}:${value.slice(11, 13)}:${value.slice(13, 15)}Z`,
  );

/**
 * Stands in for API Gateway with IAM auth in front of the local API: it recomputes each request's
 * SigV4 signature with the SDK's signer and the caller's known credentials, answers 403 on any
 * mismatch (or a clock skew over 5 minutes), and forwards the rest. `swallow` answers 202 for
 * chosen requests without forwarding them, to prove the load run notices orders that never arrive.
 */
export class IamGateway {
  verified = 0;
  rejected = 0;
  private server?: Server;

  constructor(
    private readonly upstream: string,
    private readonly expected: { credentials: SigningCredentials; region: string },
    private readonly swallow: (requestNumber: number) => boolean = () => false,
  ) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      void this.handle(request).then(({ status, body }) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(body);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async handle(request: IncomingMessage): Promise<{ status: number; body: string }> {
    const body = await readBody(request);
    const authorization = String(request.headers.authorization ?? '');
    const signingDate = parseAmzDate(String(request.headers['x-amz-date'] ?? ''));
    const skewMs = Math.abs(Date.now() - signingDate.getTime());
    const signedHeaders = parseAuthorization(authorization)?.signedHeaders;
    const expected =
      signedHeaders && !Number.isNaN(skewMs) && skewMs < 5 * 60_000
        ? await referenceAuthorization(
            {
              method: request.method ?? '',
              path: request.url ?? '',
              headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)])),
              body,
            },
            signedHeaders,
            { ...this.expected, service: 'execute-api' },
            signingDate,
          )
        : undefined;
    if (expected !== authorization) {
      this.rejected += 1;
      return { status: 403, body: JSON.stringify({ message: 'Forbidden' }) };
    }
    this.verified += 1;
    if (this.swallow(this.verified)) {
      const parsed = JSON.parse(body) as { orderId: string };
      return { status: 202, body: JSON.stringify({ orderId: parsed.orderId, status: 'ACCEPTED' }) };
    }
    const forwarded = await fetch(`${this.upstream}${request.url}`, {
      method: request.method,
      headers: { 'content-type': 'application/json' },
      body,
    });
    return { status: forwarded.status, body: await forwarded.text() };
  }
}
