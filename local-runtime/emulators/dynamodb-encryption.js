// DynamoDB's encryption at rest as a table description shows it, for the dynalite process (dynalite drops
// SSESpecification). There is no KMS locally: keys are not checked, and an alias stands for a key whose
// id is derived from the alias, the same on every run.
const { createHash } = require('node:crypto');

const INVALID = 'One or more parameter values were invalid: ';
/** DynamoDB's AWS managed key: one per account and region. */
const MANAGED_KEY_ALIAS = 'alias/aws/dynamodb';

/** A stable key id (UUID-shaped) standing for the key an alias names. */
const localKeyId = (seed) => {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

/** The key ARN DynamoDB reports for a KMSMasterKeyId given as a key ARN, key id, alias name or alias ARN. */
const kmsKeyArn = (keyId, { account, region }) => {
  const aliasArn = /^arn:aws[\w-]*:kms:([^:]+):([^:]+):(alias\/.+)$/.exec(keyId);
  if (aliasArn) {
    const [, aliasRegion, aliasAccount, alias] = aliasArn;
    return `arn:aws:kms:${aliasRegion}:${aliasAccount}:key/${localKeyId(`${aliasAccount}:${aliasRegion}:${alias}`)}`;
  }
  if (keyId.startsWith('arn:')) return keyId;
  const id = keyId.startsWith('alias/') ? localKeyId(`${account}:${region}:${keyId}`) : keyId;
  return `arn:aws:kms:${region}:${account}:key/${id}`;
};

/**
 * A CreateTable or UpdateTable SSESpecification as DescribeTable shows it: `{ description }` (undefined for
 * the AWS owned key, which DescribeTable never describes) or `{ error }`, the ValidationException's message.
 * `{}` and `Enabled: false` mean the AWS owned key; `Enabled: true` or `SSEType: KMS` alone the AWS managed
 * key (alias/aws/dynamodb); a KMSMasterKeyId a customer managed key, and it needs SSEType KMS.
 */
const encryptionDescription = (specification, location) => {
  if (!specification) return { description: undefined };
  const { Enabled: enabled, SSEType: sseType, KMSMasterKeyId: keyId } = specification;
  if (enabled === false) {
    if (sseType !== undefined) return { error: `${INVALID}SSEType can not be specified if Enabled is false` };
    if (keyId !== undefined) return { error: `${INVALID}KMSMasterKeyId can not be specified if Enabled is false` };
    return { description: undefined };
  }
  if (sseType === 'AES256') return { error: `${INVALID}SSEType AES256 is not supported` };
  if (keyId !== undefined && sseType !== 'KMS') return { error: `${INVALID}SSEType KMS is required if KMSMasterKeyId is specified` };
  if (enabled !== true && sseType === undefined) return { description: undefined };
  return {
    description: { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: kmsKeyArn(keyId ?? MANAGED_KEY_ALIAS, location) },
  };
};

module.exports = { MANAGED_KEY_ALIAS, encryptionDescription, kmsKeyArn };
