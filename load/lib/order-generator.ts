import pLimit from 'p-limit';
import type { OrderRequest } from '../../shared-layer/src/tooling';
import type { Random } from '../../local-runtime';

const CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY', 'CHF'];

/** Realistic, unique orders: ids under one run prefix, 1–5 lines (sometimes up to 40), varied prices. */
export const generateOrder = (runId: string, index: number, random: Random): OrderRequest & { orderId: string } => {
  const lineCount = random() < 0.05 ? 6 + Math.floor(random() * 35) : 1 + Math.floor(random() * 5);
  return {
    orderId: `${runId}-${index}`,
    customerId: `cust-${Math.floor(random() * 5_000)}`,
    currency: CURRENCIES[Math.floor(random() * CURRENCIES.length)],
    items: Array.from({ length: lineCount }, (_, line) => ({
      sku: `SKU-${Math.floor(random() * 10_000)}-${line}`,
      quantity: 1 + Math.floor(random() * 10),
      unitPrice: Math.floor(random() * 50_000),
    })),
  };
};

/**
 * Runs `task` for every item with at most `concurrency` in flight. The first failure rejects the
 * whole and clears the queue, so the items still waiting never start (running ones finish on their own).
 */
export const forEachConcurrently = async <T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> => {
  const limit = pLimit(concurrency);
  await Promise.all(
    items.map((item, index) =>
      limit(() => task(item, index)).catch((error: unknown) => {
        limit.clearQueue();
        throw error;
      }),
    ),
  );
};
