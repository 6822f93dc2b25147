import { randomBytes } from 'node:crypto';

const CROCKFORD_BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

const encodeBase32 = (value: bigint, length: number): string => {
  let encoded = '';
  let remaining = value;
  for (let i = 0; i < length; i += 1) {
    encoded = CROCKFORD_BASE32[Number(remaining & 31n)] + encoded;
    remaining >>= 5n;
  }
  return encoded;
};

/**
 * A ULID (48-bit millisecond time + 80 random bits, Crockford base32, 26 characters): ids sort by
 * acceptance time, are unique without coordination, and match the public orderId pattern.
 */
export const generateOrderId = (now: Date = new Date()): string => {
  const time = encodeBase32(BigInt(now.getTime()), 10);
  const random = encodeBase32(BigInt(`0x${randomBytes(10).toString('hex')}`), 16);
  return `${time}${random}`;
};
