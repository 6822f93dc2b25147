import { duplicateKeyPointers } from '../../../functions/api/duplicate-keys';

describe('duplicateKeyPointers', () => {
  it('finds nothing in JSON whose objects each name a field once', () => {
    expect(duplicateKeyPointers('{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}')).toEqual([]);
  });

  it('names every repeated field by its JSON pointer, at any depth', () => {
    const text = '{"customerId":"a","items":[{"sku":"x","quantity":1,"quantity":2}],"customerId":"b"}';

    expect(duplicateKeyPointers(text)).toEqual(['/items/0/quantity', '/customerId']);
  });

  it('reads keys as JSON does: escapes decoded, quotes, commas and braces inside strings ignored', () => {
    const text = '{"a\\u002fb":"x,\\"}{","a/b":1,"list":["{\\"a\\":1,\\"a\\":2}"]}';

    expect(duplicateKeyPointers(text)).toEqual(['/a~1b']);
  });
});
