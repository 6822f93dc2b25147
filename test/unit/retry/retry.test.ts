import { chunk, fullJitterDelayMs } from '@orders-pipeline/shared';

describe('chunk', () => {
  it('splits into chunks of at most the given size, keeping order', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 25)).toEqual([]);
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => chunk([1], 0)).toThrow(RangeError);
    expect(() => chunk([1], 2.5)).toThrow(RangeError);
  });
});

describe('fullJitterDelayMs', () => {
  const options = { baseDelayMs: 50, maxDelayMs: 2_000 };

  it('grows the ceiling exponentially with the attempt', () => {
    const justBelowOne = () => 0.999999;
    expect(fullJitterDelayMs(1, options, justBelowOne)).toBe(99);
    expect(fullJitterDelayMs(3, options, justBelowOne)).toBe(399);
  });

  it('never exceeds the maximum delay', () => {
    expect(fullJitterDelayMs(30, options, () => 0.999999)).toBeLessThan(2_000);
  });

  it('draws uniformly from zero up to the ceiling', () => {
    expect(fullJitterDelayMs(3, options, () => 0)).toBe(0);
    expect(fullJitterDelayMs(3, options, () => 0.5)).toBe(200);
  });
});
