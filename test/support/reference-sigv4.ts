import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SigningCredentials } from '../../load/lib/sigv4-sync';

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

/** The SDK's own signer, as the reference for our synchronous one and for the verifying test server. */
export const referenceSignature = async (
  request: { method: string; host: string; path: string; headers: Record<string, string>; body: string },
  scope: { credentials: SigningCredentials; region: string; service: string },
  signingDate: Date,
): Promise<Record<string, string>> => {
  const signer = new SignatureV4({ credentials: scope.credentials, region: scope.region, service: scope.service, sha256: NodeSha256 });
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'https:',
      hostname: request.host,
      path: request.path,
      query: {},
      headers: { ...request.headers, host: request.host },
      body: request.body,
    },
    { signingDate },
  );
  return signed.headers as Record<string, string>;
};
