import { createHash, createHmac } from 'node:crypto';
import { ALGORITHM_IDENTIFIER, createScope, getCanonicalHeaders, prepareRequest, SignatureV4 } from '@smithy/signature-v4';

/** An access key pair, as a signer holds it. */
export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

const toBytes = (data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

/** node:crypto behind the hash interface @smithy/signature-v4 expects (HMAC when given a secret). */
export class NodeSha256 {
  private readonly hash;

  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }

  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBytes(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    throw new Error('not needed by the signer');
  }
}

export interface ParsedAuthorization {
  readonly credential: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

export const parseAuthorization = (authorization: string): ParsedAuthorization | undefined => {
  const match = /^AWS4-HMAC-SHA256 Credential=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(authorization);
  return match ? { credential: match[1], signedHeaders: match[2].split(';'), signature: match[3] } : undefined;
};

type HttpRequest = Parameters<typeof prepareRequest>[0];

/**
 * The SDK's signer, made to hash the body itself as API Gateway does for execute-api: the signer would take a
 * request's `x-amz-content-sha256` header as the payload hash (S3's convention), which would let a signed request
 * carry any body. Here that header is only a signed header like any other, so a swapped body or
 * `UNSIGNED-PAYLOAD` no longer matches the signature.
 */
class BodyHashingSigner extends SignatureV4 {
  async authorizationFor(request: HttpRequest, signingDate: Date): Promise<string> {
    const credentials = await this.credentialProvider();
    const prepared = prepareRequest(request);
    const { longDate, shortDate } = this.formatDate(signingDate);
    const region = await this.regionProvider();
    const scope = createScope(shortDate, region, this.service);
    prepared.headers['x-amz-date'] = longDate;
    if (credentials.sessionToken) prepared.headers['x-amz-security-token'] = credentials.sessionToken;
    const bodyHash = createHash('sha256')
      .update(toBytes(request.body ?? ''))
      .digest('hex');
    const canonicalHeaders = getCanonicalHeaders(prepared);
    const stringToSign = await this.createStringToSign(
      longDate,
      scope,
      this.createCanonicalRequest(prepared, canonicalHeaders, bodyHash),
      ALGORITHM_IDENTIFIER,
    );
    const signature = await this.sign(stringToSign, { signingDate });
    return `${ALGORITHM_IDENTIFIER} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${this.getCanonicalHeaderList(canonicalHeaders)}, Signature=${signature}`;
  }
}

/**
 * What API Gateway recomputes for a request signed for execute-api: the canonical request over exactly the
 * headers the request says it signed (values as sent, names in any case) and the SHA-256 of the body as
 * received, at the given date, with the credentials the verifier knows. Undefined when a signed header is
 * missing or host is not among them.
 */
export const referenceAuthorization = async (
  request: {
    method: string;
    path: string;
    /** The query string's parameters, repeated ones as arrays (they are part of what is signed). */
    query?: Readonly<Record<string, string | string[]>>;
    headers: Readonly<Record<string, string>>;
    body: string | Uint8Array;
  },
  signedHeaders: readonly string[],
  scope: { credentials: SigningCredentials; region: string; service: string },
  signingDate: Date,
): Promise<string | undefined> => {
  const sent = new Map(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]));
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = sent.get(name);
    if (value === undefined) return undefined;
    headers[name] = value;
  }
  if (headers.host === undefined) return undefined;
  const signer = new BodyHashingSigner({
    credentials: scope.credentials,
    region: scope.region,
    service: scope.service,
    sha256: NodeSha256,
  });
  return signer.authorizationFor(
    {
      method: request.method,
      protocol: 'https:',
      hostname: headers.host,
      path: request.path,
      query: { ...request.query },
      headers,
      body: request.body,
    },
    signingDate,
  );
};
