import {
  accessKeyIdOf,
  decodeReceiptHandle,
  encodeReceiptHandle,
  senderIdFor,
} from '../../../local-runtime/emulators/sqs-message-identity';

describe('receipt handles', () => {
  const fauxqsHandle = '3f2b8c1e-9d4a-4b6f-8e2a-1c5d7f9a0b3e';

  it('look like AWS’s (long base64 beginning AQEB) and give back fauxqs’s own handle', () => {
    const handle = encodeReceiptHandle(fauxqsHandle);

    expect(handle).toMatch(/^AQEB[A-Za-z0-9+/]{212}$/);
    expect(decodeReceiptHandle(handle)).toBe(fauxqsHandle);
  });

  it('differ from one receive to the next, as on AWS, yet name the same message', () => {
    const first = encodeReceiptHandle(fauxqsHandle);
    const second = encodeReceiptHandle(fauxqsHandle);

    expect(first).not.toBe(second);
    expect(decodeReceiptHandle(second)).toBe(decodeReceiptHandle(first));
  });

  it('leave a handle that is not theirs as it is', () => {
    expect(decodeReceiptHandle(fauxqsHandle)).toBe(fauxqsHandle);
    expect(decodeReceiptHandle('AQEBnot-ours')).toBe('AQEBnot-ours');
    expect(decodeReceiptHandle('A'.repeat(216))).toBe('A'.repeat(216));
    expect(encodeReceiptHandle('not a uuid')).toBe('not a uuid');
  });
});

describe('SenderId', () => {
  it('is an IAM user id (AIDA and 17 base32 characters), stable per access key and different between keys', () => {
    expect(senderIdFor('local')).toMatch(/^AIDA[A-Z2-7]{17}$/);
    expect(senderIdFor('local')).toBe(senderIdFor('local'));
    expect(senderIdFor('AKIAIOSFODNN7EXAMPLE')).not.toBe(senderIdFor('local'));
  });

  it('comes from the access key a request was signed with', () => {
    const authorization =
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261130/us-east-1/sqs/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc';

    expect(accessKeyIdOf(authorization)).toBe('AKIAIOSFODNN7EXAMPLE');
    expect(accessKeyIdOf(undefined)).toBe('');
  });
});
