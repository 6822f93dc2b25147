import { batchEntries, batchItemsNamed } from '@orders-pipeline/shared';

const records = [{ receipt: 'r-a' }, { receipt: 'r-b' }, { receipt: 'r-c' }];

describe('sqs-batch-entries', () => {
  it('names each entry by an Id unique within the call', () => {
    const entries = batchEntries(records, (record) => ({ ReceiptHandle: record.receipt }));

    expect(entries.map((entry) => entry.ReceiptHandle)).toEqual(['r-a', 'r-b', 'r-c']);
    expect(new Set(entries.map((entry) => entry.Id)).size).toBe(records.length);
  });

  it('leads each Failed result back to the item its entry was built from, in the results order', () => {
    const [a, , c] = batchEntries(records, (record) => ({ ReceiptHandle: record.receipt }));

    expect(batchItemsNamed(records, [{ Id: c.Id }, { Id: a.Id }])).toEqual([records[2], records[0]]);
  });

  it.each([
    ['an Id it never gave', '3'],
    ['a missing Id', undefined],
    ['an Id that is not a plain position', '01'],
  ])('refuses %s instead of naming the wrong item', (_case, Id) => {
    expect(() => batchItemsNamed(records, [{ Id }])).toThrow(RangeError);
  });
});
