import { createHash } from 'node:crypto';

/** A message attribute as a Lambda SQS record carries it (binary values base64). */
export interface RecordMessageAttribute {
  readonly dataType: string;
  readonly stringValue?: string;
  readonly binaryValue?: string;
}

// The transport type byte of each attribute in the digest: String and Number attributes travel as strings.
const STRING_TRANSPORT = 1;
const BINARY_TRANSPORT = 2;

const lengthPrefixed = (bytes: Buffer): Buffer[] => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return [length, bytes];
};

/**
 * MD5OfMessageAttributes as SQS computes it (SQS developer guide, "Calculating the MD5 message digest for message
 * attributes"): attributes sorted by name; per attribute its name, its data type (custom label included), a transport
 * byte and its value, each length-prefixed (4 bytes, big-endian) except the transport byte. `undefined` when there
 * are no attributes: SQS then sends no digest at all.
 */
export const md5OfMessageAttributes = (attributes: Readonly<Record<string, RecordMessageAttribute>>): string | undefined => {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const parts: Buffer[] = [];
  for (const name of names) {
    const { dataType, stringValue, binaryValue } = attributes[name];
    parts.push(...lengthPrefixed(Buffer.from(name, 'utf8')), ...lengthPrefixed(Buffer.from(dataType, 'utf8')));
    // "Binary.png" and "Binary" travel alike: the custom label after the dot does not change the transport.
    if (dataType.split('.')[0] === 'Binary') {
      parts.push(Buffer.from([BINARY_TRANSPORT]), ...lengthPrefixed(Buffer.from(binaryValue ?? '', 'base64')));
    } else {
      parts.push(Buffer.from([STRING_TRANSPORT]), ...lengthPrefixed(Buffer.from(stringValue ?? '', 'utf8')));
    }
  }
  return createHash('md5').update(Buffer.concat(parts)).digest('hex');
};
