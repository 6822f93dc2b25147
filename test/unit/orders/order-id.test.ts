import { ORDER_ID_PATTERN, generateOrderId } from '@orders-pipeline/shared';

describe('generateOrderId', () => {
  it('produces 26-character ids that match the public orderId pattern', () => {
    const id = generateOrderId();
    expect(id).toHaveLength(26);
    expect(id).toMatch(ORDER_ID_PATTERN);
  });

  it('sorts ids by acceptance time', () => {
    const earlier = generateOrderId(new Date('2026-01-01T00:00:00Z'));
    const later = generateOrderId(new Date('2026-01-01T00:00:00.001Z'));
    expect([later, earlier].sort()).toEqual([earlier, later]);
  });

  it('does not repeat within the same millisecond', () => {
    const now = new Date();
    const ids = new Set(Array.from({ length: 1000 }, () => generateOrderId(now)));
    expect(ids.size).toBe(1000);
  });
});
