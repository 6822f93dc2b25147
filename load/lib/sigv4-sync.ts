import { createHash, createHmac } from 'node:crypto';

export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SignableRequest {
  readonly method: string;
  /** Host header value, e.g. abc123.execute-api.eu-west-1.amazonaws.com (with :port when not the default). */
  readonly host: string;
  /** Path without a query string; only unreserved characters and "/". */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface SigningScope {
  readonly credentials: SigningCredentials;
  readonly region: string;
  readonly service: string;
}

const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

// Derived keys change once a day per credentials/region/service: caching them saves four HMACs per request.
const signingKeys = new Map<string, Buffer>();
const signingKey = (scope: SigningScope, shortDate: string): Buffer => {
  const cacheKey = `${scope.credentials.secretAccessKey}|${shortDate}|${scope.region}|${scope.service}`;
  let key = signingKeys.get(cacheKey);
  if (!key) {
    if (signingKeys.size > 50) signingKeys.clear();
    key = hmac(hmac(hmac(hmac(`AWS4${scope.credentials.secretAccessKey}`, shortDate), scope.region), scope.service), 'aws4_request');
    signingKeys.set(cacheKey, key);
  }
  return key;
};

/**
 * AWS Signature Version 4 for the simple requests the load tool sends (no query string, unreserved
 * path), computed synchronously: autocannon builds each request in a synchronous callback, and the
 * SDK's signer is asynchronous only because its hash interface is. Returns the request's headers
 * plus host, x-amz-date, x-amz-content-sha256, x-amz-security-token and authorization, exactly as
 * @smithy/signature-v4 would sign them (the unit test holds it to that).
 */
export const signRequestSync = (request: SignableRequest, scope: SigningScope, now: Date = new Date()): Record<string, string> => {
  if (!/^\/[A-Za-z0-9/_.~-]*$/.test(request.path)) {
    throw new Error(`signRequestSync signs plain paths only, got "${request.path}"`);
  }
  const longDate = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  const shortDate = longDate.slice(0, 8);
  const payloadHash = sha256Hex(request.body);
  const headers: Record<string, string> = {
    ...Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value])),
    host: request.host,
    'x-amz-date': longDate,
    'x-amz-content-sha256': payloadHash,
    ...(scope.credentials.sessionToken ? { 'x-amz-security-token': scope.credentials.sessionToken } : {}),
  };
  delete headers.authorization;
  const names = Object.keys(headers).sort();
  const canonicalHeaders = names.map((name) => `${name}:${headers[name].trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [request.method.toUpperCase(), request.path, '', canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const credentialScope = `${shortDate}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', longDate, credentialScope, sha256Hex(canonicalRequest)].join('\n');
  const signature = createHmac('sha256', signingKey(scope, shortDate)).update(stringToSign, 'utf8').digest('hex');
  return {
    ...headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${scope.credentials.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
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
