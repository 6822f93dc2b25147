import aws4 from 'aws4';
import type { SigningCredentials } from '../../local-runtime';

export type { SigningCredentials };

export interface SignableRequest {
  readonly method: string;
  /** Host header value, e.g. abc123.execute-api.eu-west-1.amazonaws.com (with :port when not the default). */
  readonly host: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
}

export interface SigningScope {
  readonly credentials: SigningCredentials;
  readonly region: string;
  readonly service: string;
}

/**
 * AWS Signature Version 4 by `aws4`, synchronously: autocannon builds each request in a synchronous
 * callback, and the SDK's signer is asynchronous only because its hash interface is. Returns the
 * request's headers plus the ones aws4 adds (Host, Content-Length, X-Amz-Date, X-Amz-Security-Token,
 * Authorization), named as aws4 writes them: autocannon writes `Content-Length` under that same name,
 * so it replaces aws4's value with the same one instead of sending the header twice.
 */
export const signRequest = (request: SignableRequest, scope: SigningScope, now: Date = new Date()): Record<string, string> => {
  const signed = aws4.sign(
    {
      method: request.method,
      host: request.host,
      path: request.path,
      body: request.body,
      service: scope.service,
      region: scope.region,
      // aws4 signs at the X-Amz-Date it is given, in its own format (20240131T235959Z).
      headers: { ...request.headers, 'X-Amz-Date': now.toISOString().replace(/[:-]|\.\d{3}/g, '') },
    },
    scope.credentials,
  );
  return Object.fromEntries(Object.entries(signed.headers ?? {}).map(([name, value]) => [name, String(value)]));
};

/**
 * The newest credentials from a provider, fetched again every `refreshMs` so a run longer than a
 * session's lifetime keeps signing with valid ones (the SDK's providers renew before expiry).
 */
export class RefreshingCredentials {
  private timer?: NodeJS.Timeout;

  private constructor(
    private latest: SigningCredentials,
    private readonly provider: () => Promise<SigningCredentials>,
  ) {}

  static async start(provider: () => Promise<SigningCredentials>, refreshMs = 60_000): Promise<RefreshingCredentials> {
    const holder = new RefreshingCredentials(await provider(), provider);
    holder.timer = setInterval(() => {
      holder.provider().then(
        (credentials) => {
          holder.latest = credentials;
        },
        // A failed refresh keeps the previous credentials; AWS answers 403 once they expire, and the run reports it.
        () => undefined,
      );
    }, refreshMs);
    holder.timer.unref();
    return holder;
  }

  current(): SigningCredentials {
    return this.latest;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
