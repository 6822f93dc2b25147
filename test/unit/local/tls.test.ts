import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { generate } from 'selfsigned';
import { ensureSelfSignedCertificate, signatureAlgorithmOf } from '../../../local-runtime/tls';

/** What the runtime's certificate must be: SHA-256 signed, RSA 2048+ or P-256, valid for localhost and 127.0.0.1. */
const expectModernLocalhostCertificate = (pem: string): void => {
  const certificate = new X509Certificate(pem);
  expect(signatureAlgorithmOf(certificate)).toMatch(/^(sha256WithRSAEncryption|ecdsa-with-SHA256)$/);
  const key = certificate.publicKey.asymmetricKeyDetails ?? {};
  if (certificate.publicKey.asymmetricKeyType === 'rsa') expect(key.modulusLength).toBeGreaterThanOrEqual(2048);
  else expect(key.namedCurve).toBe('prime256v1');
  expect(certificate.subjectAltName?.split(', ').sort()).toEqual(['DNS:localhost', 'IP Address:127.0.0.1']);
};

describe('ensureSelfSignedCertificate', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'orders-pipeline-tls-'));
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('makes a SHA-256 signed certificate with a 2048-bit RSA key for localhost and 127.0.0.1', async () => {
    const tls = await ensureSelfSignedCertificate(dataDir);

    expectModernLocalhostCertificate(tls.cert);
    expect(new X509Certificate(tls.cert).checkPrivateKey(createPrivateKey(tls.key))).toBe(true);
  });

  it('replaces a SHA-1 certificate left in .local/tls by an older version', async () => {
    const tlsDir = path.join(dataDir, 'tls');
    mkdirSync(tlsDir, { recursive: true });
    const old = await generate([{ name: 'commonName', value: 'orders-pipeline local' }], { keySize: 2048, algorithm: 'sha1' });
    expect(signatureAlgorithmOf(new X509Certificate(old.cert))).toBe('sha1WithRSAEncryption');
    writeFileSync(path.join(tlsDir, 'key.pem'), old.private);
    writeFileSync(path.join(tlsDir, 'cert.pem'), old.cert);

    const tls = await ensureSelfSignedCertificate(dataDir);

    expectModernLocalhostCertificate(tls.cert);
    expect(readFileSync(path.join(tlsDir, 'cert.pem'), 'utf8')).toBe(tls.cert);
  });

  it('keeps a current certificate across restarts', async () => {
    const first = await ensureSelfSignedCertificate(dataDir);
    const second = await ensureSelfSignedCertificate(dataDir);

    expect(second).toEqual(first);
  });
});
