import { MAX_REPORTED_ERRORS } from '../../../functions/api/error-budget';
import { isExactNumber, scanJsonText } from '../../../functions/api/json-text-scan';

describe('scanJsonText', () => {
  it('finds nothing in JSON whose objects each name a field once and whose numbers are exact', () => {
    const scan = scanJsonText('{"a":1,"b":{"a":-2.5e3},"c":[{"a":3},{"a":4}]}');

    expect(scan.duplicateKeys).toEqual({ pointers: [], count: 0 });
    expect(scan.inexactNumbers).toEqual({ pointers: [], count: 0 });
  });

  it('names every repeated field by its JSON pointer, at any depth', () => {
    const text = '{"customerId":"a","items":[{"sku":"x","quantity":1,"quantity":2}],"customerId":"b"}';

    expect(scanJsonText(text).duplicateKeys).toEqual({ pointers: ['/items/0/quantity', '/customerId'], count: 2 });
  });

  it('reads keys as JSON does: escapes decoded, quotes, commas, braces and digits inside strings ignored', () => {
    const text = '{"a\\u002fb":"x,\\"}{0.1","a/b":1,"list":["{\\"a\\":1,\\"a\\":2}"]}';

    expect(scanJsonText(text).duplicateKeys.pointers).toEqual(['/a~1b']);
    expect(scanJsonText(text).inexactNumbers.count).toBe(0);
  });

  it('names numbers that JSON.parse rounds to an integer, in objects and arrays, and leaves other fractions to the schema', () => {
    const text = '{"items":[{"unitPrice":1999.00000000000000000001,"quantity":1}],"n":[1,9007199254740993,0.1]}';

    expect(scanJsonText(text).inexactNumbers).toEqual({ pointers: ['/items/0/unitPrice', '/n/1'], count: 2 });
  });

  it('names a key repeated many times in one object once, and counts every repeat', () => {
    const depth = 300;
    const text = `{"x":${'{"a":'.repeat(depth)}{"b":1${',"b":1'.repeat(500)}}${'}'.repeat(depth)}}`;

    expect(scanJsonText(text).duplicateKeys).toEqual({ pointers: [`/x${'/a'.repeat(depth)}/b`], count: 500 });
  });

  it(`builds pointers for the first ${MAX_REPORTED_ERRORS} findings only and counts the rest`, () => {
    const text = `[${Array.from({ length: 100 }, () => '{"b":1,"b":2}').join(',')}]`;

    const { duplicateKeys } = scanJsonText(text);

    expect(duplicateKeys.count).toBe(100);
    expect(duplicateKeys.pointers).toEqual(Array.from({ length: MAX_REPORTED_ERRORS }, (_, i) => `/${i}/b`));
  });
});

describe('isExactNumber', () => {
  it.each([
    '0',
    '-0',
    '1',
    '1999',
    '1.5',
    '1.50',
    '1e3',
    '1E+3',
    '2.5e-1',
    '9007199254740992',
    '1.0000',
    '0.5',
    `1${'0'.repeat(20)}`,
    `7.${'0'.repeat(2000)}`,
  ])('accepts %s: its text is exactly the double it parses to', (token) => {
    expect(isExactNumber(token)).toBe(true);
  });

  it.each([
    '1999.00000000000000000001',
    '0.1',
    '9007199254740993',
    '1e400',
    '-1e400',
    '1e-400',
    '5e-324',
    `1.${'0'.repeat(1000)}1`,
    `0.${'3'.repeat(800)}`,
  ])('refuses %s: JSON.parse would read another value', (token) => {
    expect(isExactNumber(token)).toBe(false);
  });
});
