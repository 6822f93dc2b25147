import { setTimeout as sleep } from 'node:timers/promises';
import { seededRandom } from '../../../local-runtime/seeded-random';
import { forEachConcurrently, generateOrder } from '../../../load/lib/order-generator';

describe('generateOrder', () => {
  it('builds the same order from the same random source, and another from another seed', () => {
    const order = generateOrder('run', 3, seededRandom(11));

    expect(generateOrder('run', 3, seededRandom(11))).toEqual(order);
    expect(generateOrder('run', 3, seededRandom(12))).not.toEqual(order);
    expect(order.orderId).toBe('run-3');
  });
});

describe('forEachConcurrently', () => {
  it('runs every item once, never more than `concurrency` at a time', async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];

    await forEachConcurrently(
      Array.from({ length: 20 }, (_, i) => i),
      3,
      async (item, index) => {
        running += 1;
        peak = Math.max(peak, running);
        await sleep(2);
        seen.push(item * 100 + index);
        running -= 1;
      },
    );

    expect(peak).toBe(3);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i * 101));
  });

  it('rejects with the first failure and never starts the items still waiting', async () => {
    const started: number[] = [];

    const run = forEachConcurrently(
      Array.from({ length: 10 }, (_, i) => i),
      2,
      async (item) => {
        started.push(item);
        await sleep(2);
        if (item === 1) throw new Error('item 1 failed');
      },
    );

    await expect(run).rejects.toThrow('item 1 failed');
    await sleep(20);
    // p-limit refills the slot the failure frees (item 3) before the queue is cleared.
    expect(started).toEqual([0, 1, 2, 3]);
  });
});
