import { OrderRequest } from '../../shared-layer/src';

const CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY', 'CHF'];

/** Realistic, unique orders: ids under one run prefix, 1–5 lines (sometimes up to 40), varied prices. */
export const generateOrder = (runId: string, index: number, random: () => number = Math.random): OrderRequest & { orderId: string } => {
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

/** Runs `task` for every item with at most `concurrency` in flight. */
export const forEachConcurrently = async <T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> => {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next;
        next += 1;
        await task(items[index], index);
      }
    }),
  );
};
