import { SharedCounts } from '../../../local-runtime/shared-counts';

describe('SharedCounts', () => {
  it('shows a reader on the same buffers every count and billing unit the writer recorded', () => {
    const writer = new SharedCounts();
    const reader = new SharedCounts(writer.buffers);

    writer.count('sqs:SendMessage');
    writer.count('dynamodb:BatchWriteItem');
    writer.count('sqs:SendMessage');
    writer.bill({ sqsRequests: 2 });
    writer.bill({ readUnits: 0.5, writeUnits: 3 });
    writer.bill({ readUnits: 1 });

    expect(reader.requestCounts()).toEqual({ 'sqs:SendMessage': 2, 'dynamodb:BatchWriteItem': 1 });
    expect(reader.billedUsage()).toEqual({ sqsRequests: 2, readUnits: 1.5, writeUnits: 3 });
  });

  it('counts operations beyond its slots in the last slot instead of losing them', () => {
    const counts = new SharedCounts();

    for (let operation = 0; operation < 300; operation += 1) counts.count(`sqs:Operation${operation}`);

    const recorded = counts.requestCounts();
    expect(Object.keys(recorded)).toHaveLength(256);
    expect(Object.values(recorded).reduce((sum, count) => sum + count, 0)).toBe(300);
  });
});
