import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  readonly key: string;
  readonly cert: string;
  readonly certFile: string;
}

const SIGNATURE_ALGORITHMS: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
};

/** A DER length at `offset` (just after a tag): the value's length and where the value starts. */
const derLength = (der: Buffer, offset: number): { length: number; start: number } => {
  const first = der[offset];
  if (first < 0x80) return { length: first, start: offset + 1 };
  const octets = first & 0x7f;
  let length = 0;
  for (let i = 1; i <= octets; i++) length = length * 256 + der[offset + i];
  return { length, start: offset + 1 + octets };
};

/**
 * The certificate's signature algorithm, which node:crypto's X509Certificate does not expose: the OID of the
 * AlgorithmIdentifier after tbsCertificate (Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, ... }).
 */
export const signatureAlgorithmOf = (certificate: X509Certificate): string => {
  const der = certificate.raw;
  const certificateBody = derLength(der, 1);
  const tbs = derLength(der, certificateBody.start + 1);
  const algorithm = derLength(der, tbs.start + tbs.length + 1);
  const oid = derLength(der, algorithm.start + 1);
  const bytes = der.subarray(oid.start, oid.start + oid.length);
  const arcs = [Math.floor(bytes[0] / 40), bytes[0] % 40];
  let arc = 0;
  for (const byte of bytes.subarray(1)) {
    arc = arc * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      arcs.push(arc);
      arc = 0;
    }
  }
  const dotted = arcs.join('.');
  return SIGNATURE_ALGORITHMS[dotted] ?? dotted;
};

const SHA256_SIGNATURES = new Set(['sha256WithRSAEncryption', 'ecdsa-with-SHA256']);
const REQUIRED_NAMES = ['DNS:localhost', 'IP Address:127.0.0.1'];

/**
 * Whether a kept certificate still serves: SHA-256 signed (versions before this check made SHA-1 ones, which
 * clients refuse), RSA 2048+ or P-256, valid for both local names, and not expiring within a day.
 */
const isCurrent = (pem: string): boolean => {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    return false;
  }
  const key = certificate.publicKey.asymmetricKeyDetails ?? {};
  const strongKey = certificate.publicKey.asymmetricKeyType === 'rsa' ? (key.modulusLength ?? 0) >= 2048 : key.namedCurve === 'prime256v1';
  const names = certificate.subjectAltName?.split(', ') ?? [];
  return (
    SHA256_SIGNATURES.has(signatureAlgorithmOf(certificate)) &&
    strongKey &&
    REQUIRED_NAMES.every((name) => names.includes(name)) &&
    certificate.validToDate.getTime() > Date.now() + 24 * 60 * 60 * 1000
  );
};

/**
 * A self-signed certificate for 127.0.0.1/localhost, made on first run and kept in `<dataDir>/tls`; a kept one that
 * is no longer current (SHA-1 signed by an older version, weak key, missing name, expiring) is replaced.
 */
export const ensureSelfSignedCertificate = async (dataDir: string): Promise<TlsMaterial> => {
  const dir = path.join(dataDir, 'tls');
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  if (!existsSync(keyFile) || !existsSync(certFile) || !isCurrent(readFileSync(certFile, 'utf8'))) {
    mkdirSync(dir, { recursive: true });
    const notAfterDate = new Date();
    notAfterDate.setFullYear(notAfterDate.getFullYear() + 2);
    const pems = await generate([{ name: 'commonName', value: 'orders-pipeline local' }], {
      // selfsigned signs with SHA-1 unless told otherwise.
      algorithm: 'sha256',
      keyType: 'rsa',
      keySize: 2048,
      notAfterDate,
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
          ],
        },
      ],
    });
    writeFileSync(keyFile, pems.private, { mode: 0o600 });
    writeFileSync(certFile, pems.cert);
  }
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
};
