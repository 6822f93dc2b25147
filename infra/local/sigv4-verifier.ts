import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

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
class NodeSha256 {
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

/**
 * What a verifier recomputes for a signed request: the SDK's own signer over exactly the headers the
 * request says it signed (values as sent, names in any case), at the given date, with the credentials
 * the verifier knows. Undefined when a signed header is missing or host is not among them.
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
  // applyChecksum off: the signer would otherwise add x-amz-content-sha256 to what it signs; one the request signed is kept.
  const signer = new SignatureV4({
    credentials: scope.credentials,
    region: scope.region,
    service: scope.service,
    sha256: NodeSha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'https:',
      hostname: headers.host,
      path: request.path,
      query: { ...request.query },
      headers,
      body: request.body,
    },
    { signingDate },
  );
  return String(signed.headers.authorization);
};
