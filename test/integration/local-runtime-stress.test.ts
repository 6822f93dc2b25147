import { sampleOrder } from '../support/fixtures';
import { RuntimeHarness, eventually } from '../support/local-runtime-harness';
import { scanOrders } from '../../load/lib/pipeline-checks';

const CONNECTIONS = 32;
const ORDERS = 1_000;

describe('local runtime under concurrent load', () => {
  let harness: RuntimeHarness;

  beforeAll(async () => {
    harness = await new RuntimeHarness().start();
  }, 60_000);

  afterAll(async () => {
    await harness.stop();
    harness.removeData();
  }, 60_000);

  it(`answers ${ORDERS} orders over ${CONNECTIONS} connections with 202 only, and stores each exactly once`, async () => {
    const runId = `it-stress-${Date.now().toString(36)}`;
    const statuses = new Map<number, number>();
    const transportErrors: string[] = [];
    let next = 0;
    const connection = async () => {
      for (let index = next++; index < ORDERS; index = next++) {
        try {
          const response = await harness.postOrder(sampleOrder({ orderId: `${runId}-${index}` }));
          await response.arrayBuffer();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        } catch (error) {
          transportErrors.push((error as Error).message);
        }
      }
    };

    await Promise.all(Array.from({ length: CONNECTIONS }, connection));

    expect(transportErrors).toEqual([]);
    expect(Object.fromEntries(statuses)).toEqual({ 202: ORDERS });
    const stored = await eventually(
      'every order stored',
      async () => {
        const items = await scanOrders(harness.documents, harness.outputs.OrdersTableName, runId);
        return items.length >= ORDERS ? items : undefined;
      },
      60_000,
    );
    expect(new Set(stored.map((item) => item.orderId)).size).toBe(ORDERS);
    expect(stored).toHaveLength(ORDERS);
  }, 180_000);
});
