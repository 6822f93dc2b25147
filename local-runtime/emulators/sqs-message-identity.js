// What names a received message and its sender, in AWS's shapes. fauxqs hands out bare UUIDs as receipt handles
// and gives every message the SenderId 000000000000, neither of which a handler on AWS would ever see.
const { createHash, randomBytes } = require('node:crypto');

// AWS receipt handles are opaque base64 strings of a few hundred characters that begin "AQEB" (bytes 01 01 01).
// Ours carry fauxqs's own handle, so that fauxqs still finds the message by it (and a handle given out before a
// restart still works after it: fauxqs persists its UUID, not ours); random bytes fill the rest, so that no two
// receives of a message look alike, as on AWS.
const HANDLE_MARK = Buffer.from([1, 1, 1]);
const UUID_BYTES = 16;
const HANDLE_BYTES = 162;
const HANDLE_LENGTH = (HANDLE_BYTES / 3) * 4;
const UUID = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i;

/** fauxqs's receipt handle (a UUID) as an AWS-looking one; anything else is returned as it is. */
const encodeReceiptHandle = (handle) => {
  if (typeof handle !== 'string' || !UUID.test(handle)) return handle;
  const uuid = Buffer.from(handle.replaceAll('-', ''), 'hex');
  return Buffer.concat([HANDLE_MARK, uuid, randomBytes(HANDLE_BYTES - HANDLE_MARK.length - UUID_BYTES)]).toString('base64');
};

/** The fauxqs handle inside one of ours; a handle that is not ours is returned as it is (fauxqs then finds nothing by it). */
const decodeReceiptHandle = (handle) => {
  if (typeof handle !== 'string' || handle.length !== HANDLE_LENGTH) return handle;
  const bytes = Buffer.from(handle, 'base64');
  if (bytes.length !== HANDLE_BYTES || !bytes.subarray(0, HANDLE_MARK.length).equals(HANDLE_MARK)) return handle;
  const hex = bytes.subarray(HANDLE_MARK.length, HANDLE_MARK.length + UUID_BYTES).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

// For an IAM user AWS gives its unique id: "AIDA" and 17 characters of base32 (the API reference's example is
// ABCDEFGHI1JKLMNOPQ23R, the Lambda guide's sample AIDAIENQZJOLO23YVJ4VO). Nothing checks signatures locally, so
// the id is derived from the access key a request was signed with: one stable id per local "user".
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const USER_ID_PREFIX = 'AIDA';
const USER_ID_LENGTH = 21;

/** The SenderId SQS would record for messages sent with this access key id. */
const senderIdFor = (accessKeyId) => {
  const digest = createHash('sha256').update(String(accessKeyId)).digest();
  let id = USER_ID_PREFIX;
  for (let index = 0; id.length < USER_ID_LENGTH; index += 1) id += BASE32[digest[index] % BASE32.length];
  return id;
};

/** The access key id of a SigV4 Authorization header ("… Credential=<key id>/<date>/…"), or '' without one. */
const accessKeyIdOf = (authorization) => /Credential=([^/,\s]+)\//.exec(String(authorization ?? ''))?.[1] ?? '';

module.exports = { accessKeyIdOf, decodeReceiptHandle, encodeReceiptHandle, senderIdFor };
