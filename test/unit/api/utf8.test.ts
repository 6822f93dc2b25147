import { decodeUtf8 } from '../../../functions/api/utf8';

const bytes = (...parts: (string | number[])[]): Buffer =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));

describe('decodeUtf8', () => {
  it('decodes well-formed UTF-8 of every length exactly, from a base64 body', () => {
    const text = 'a é € 😀 \u{10FFFF}';

    expect(decodeUtf8(Buffer.from(text), true)).toBe(text);
  });

  it.each([
    ['FF', [0xff]],
    ['an overlong "/" (C0 AF)', [0xc0, 0xaf]],
    ['an overlong 3-byte form (E0 80 AF)', [0xe0, 0x80, 0xaf]],
    ['a UTF-16 surrogate (ED A0 80)', [0xed, 0xa0, 0x80]],
    ['a code point over U+10FFFF (F4 90 80 80)', [0xf4, 0x90, 0x80, 0x80]],
    ['a lone continuation byte (80)', [0x80]],
    ['a truncated sequence (F0 9F 98)', [0xf0, 0x9f, 0x98]],
  ])('names the offset of the first ill-formed sequence of a base64 body: %s', (_name, invalid) => {
    const prefix = 'é€😀';

    expect(decodeUtf8(bytes(prefix, invalid, 'tail'), true)).toEqual({ byteOffset: Buffer.byteLength(prefix) });
  });

  it('leaves a text body as API Gateway decoded it (replacement characters and all)', () => {
    expect(decodeUtf8(bytes('c', [0xff, 0xfe]), false)).toBe('c\ufffd\ufffd');
  });
});
