const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The body as text, or where its UTF-8 breaks. A base64 body holds the bytes as sent, so invalid UTF-8 is found
 * exactly; a text body was already decoded by API Gateway, invalid bytes replaced by U+FFFD, which the schema
 * refuses in text fields instead (see docs/api.md, "Strict UTF-8").
 */
export const decodeUtf8 = (body: Buffer, wasBase64: boolean): string | { byteOffset: number } => {
  if (!wasBase64) return body.toString('utf8');
  try {
    return strictUtf8.decode(body);
  } catch {
    return { byteOffset: firstInvalidUtf8Offset(body) };
  }
};

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
const firstInvalidUtf8Offset = (bytes: Buffer): number => {
  let offset = 0;
  while (offset < bytes.length) {
    const length = wellFormedSequenceLength(bytes, offset);
    if (length === 0) return offset;
    offset += length;
  }
  return bytes.length;
};

const inRange = (byte: number | undefined, low: number, high: number): boolean => byte !== undefined && byte >= low && byte <= high;

/**
 * RFC 3629 section 4, the well-formed sequences: [first-byte range, second-byte range, length]. The narrow second-byte
 * ranges after E0, ED, F0 and F4 are what exclude overlong forms, UTF-16 surrogates and code points over U+10FFFF.
 */
const SEQUENCES: readonly (readonly [number, number, number, number, number])[] = [
  [0xc2, 0xdf, 0x80, 0xbf, 2],
  [0xe0, 0xe0, 0xa0, 0xbf, 3],
  [0xe1, 0xec, 0x80, 0xbf, 3],
  [0xed, 0xed, 0x80, 0x9f, 3],
  [0xee, 0xef, 0x80, 0xbf, 3],
  [0xf0, 0xf0, 0x90, 0xbf, 4],
  [0xf1, 0xf3, 0x80, 0xbf, 4],
  [0xf4, 0xf4, 0x80, 0x8f, 4],
];

/** Length of the well-formed sequence starting at `at`, or 0 if none does. */
const wellFormedSequenceLength = (bytes: Buffer, at: number): number => {
  if (bytes[at] <= 0x7f) return 1;
  const sequence = SEQUENCES.find(([low, high]) => inRange(bytes[at], low, high));
  if (!sequence || !inRange(bytes[at + 1], sequence[2], sequence[3])) return 0;
  const [, , , , length] = sequence;
  for (let next = 2; next < length; next += 1) if (!inRange(bytes[at + next], 0x80, 0xbf)) return 0;
  return length;
};
