import { encryptionDescription, kmsKeyArn } from '../../../local-runtime/emulators/dynamodb-encryption';

const LOCATION = { account: '000000000000', region: 'us-east-1' };
const KEY_ARN = /^arn:aws:kms:us-east-1:000000000000:key\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/;
const INVALID = 'One or more parameter values were invalid: ';

describe('encryptionDescription', () => {
  it('describes nothing for the AWS owned key: no specification, {} or Enabled false', () => {
    for (const specification of [undefined, {}, { Enabled: false }]) {
      expect(encryptionDescription(specification, LOCATION)).toEqual({ description: undefined });
    }
  });

  it('describes the AWS managed key, the same for every table, for Enabled true or SSEType KMS alone', () => {
    const managed = encryptionDescription({ Enabled: true }, LOCATION).description;
    expect(managed).toEqual({ Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: expect.stringMatching(KEY_ARN) });
    expect(encryptionDescription({ SSEType: 'KMS' }, LOCATION).description).toEqual(managed);
    expect(encryptionDescription({ Enabled: true, SSEType: 'KMS', KMSMasterKeyId: 'alias/aws/dynamodb' }, LOCATION).description).toEqual(
      managed,
    );
  });

  it('describes a customer managed key by its ARN, whether given as ARN, key id or alias', () => {
    const arn = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const described = (KMSMasterKeyId: string) =>
      encryptionDescription({ Enabled: true, SSEType: 'KMS', KMSMasterKeyId }, LOCATION).description?.KMSMasterKeyArn;
    expect(described(arn)).toBe(arn);
    expect(described('1234abcd-12ab-34cd-56ef-1234567890ab')).toBe(
      'arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    );
    expect(described('alias/orders')).toMatch(KEY_ARN);
    expect(described('alias/orders')).toBe(described('arn:aws:kms:us-east-1:000000000000:alias/orders'));
    expect(described('alias/orders')).not.toBe(described('alias/other'));
  });

  it("refuses AWS's invalid combinations with AWS's messages", () => {
    const error = (specification: Record<string, unknown>) => encryptionDescription(specification, LOCATION).error;
    expect(error({ Enabled: false, SSEType: 'KMS' })).toBe(`${INVALID}SSEType can not be specified if Enabled is false`);
    expect(error({ Enabled: false, SSEType: 'KMS', KMSMasterKeyId: 'alias/x' })).toBe(
      `${INVALID}SSEType can not be specified if Enabled is false`,
    );
    expect(error({ Enabled: false, KMSMasterKeyId: 'alias/x' })).toBe(`${INVALID}KMSMasterKeyId can not be specified if Enabled is false`);
    expect(error({ Enabled: true, SSEType: 'AES256' })).toBe(`${INVALID}SSEType AES256 is not supported`);
    expect(error({ Enabled: true, KMSMasterKeyId: 'alias/x' })).toBe(`${INVALID}SSEType KMS is required if KMSMasterKeyId is specified`);
  });
});

describe('kmsKeyArn', () => {
  it('keeps the region and account of an alias ARN', () => {
    expect(kmsKeyArn('arn:aws:kms:eu-west-1:111122223333:alias/orders', LOCATION)).toMatch(
      /^arn:aws:kms:eu-west-1:111122223333:key\/[0-9a-f-]{36}$/,
    );
  });
});
