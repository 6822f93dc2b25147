import type { OrderRequest } from '../../shared-layer/src/tooling';
import { derivedRandom } from '../../local-runtime';
import { generateOrder } from './order-generator';

export interface SentOrder {
  readonly orderId: string;
  readonly order: OrderRequest;
  /** performance.now() when the request went out and when its answer came back. */
  readonly sentAt: number;
  readonly answeredAt: number;
  /** 0 when the request failed without an HTTP answer. */
  readonly status: number;
  readonly body: string;
}

/**
 * POSTs unique orders at a steady rate, each request on its own (no waiting for the previous answer), until stopped:
 * the traffic watch mode must not disturb while it swaps code.
 */
export class SteadyOrders {
  readonly sent: SentOrder[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private index = 0;
  private readonly random: () => number;

  constructor(
    private readonly apiUrl: string,
    private readonly runId: string,
    private readonly ordersPerSecond: number,
    seed = 1,
  ) {
    this.random = derivedRandom(seed, `steady-orders:${runId}`);
  }

  start(): void {
    this.timer = setInterval(() => this.sendOne(), 1000 / this.ordersPerSecond);
  }

  /** Stops sending and waits for the answers still out. */
  async stop(): Promise<SentOrder[]> {
    clearInterval(this.timer);
    await Promise.all(this.inFlight);
    return this.sent;
  }

  /** Orders the API accepted (202), by orderId. */
  accepted(): Map<string, OrderRequest> {
    return new Map(this.sent.filter((sent) => sent.status === 202).map((sent) => [sent.orderId, sent.order]));
  }

  private sendOne(): void {
    const order = generateOrder(this.runId, this.index, this.random);
    this.index += 1;
    const sentAt = performance.now();
    const request = fetch(`${this.apiUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(order),
    })
      .then(async (response) => ({ status: response.status, body: await response.text() }))
      .catch((error: Error) => ({ status: 0, body: error.message }))
      .then(({ status, body }) => {
        this.sent.push({ orderId: order.orderId, order, sentAt, answeredAt: performance.now(), status, body });
      })
      .finally(() => this.inFlight.delete(request));
    this.inFlight.add(request);
  }
}
