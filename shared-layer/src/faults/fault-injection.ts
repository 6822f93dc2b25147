import { OrderMessage } from '../orders/order-message';
import { BatchWriteOutcome, LookupOutcome, OrderStore } from '../orders/order-ports';
import { sleep } from '../retry/backoff';

/** Environment variable that switches fault injection on, with a JSON FaultConfig. Never set by the CDK stack. */
export const FAULT_INJECTION_ENV = 'ORDERS_FAULT_INJECTION';
/** Exit code of an injected crash, so logs tell it from a real one. */
export const INJECTED_CRASH_EXIT_CODE = 86;

export interface FaultConfig {
  /** Fraction of DynamoDB calls that fail with ProvisionedThroughputExceededException. */
  readonly throttleRate: number;
  /** Fraction of BatchWriteItem calls that write only half their items and return the rest as UnprocessedItems. */
  readonly unprocessedRate: number;
  /** Fraction of BatchWriteItem calls after which the process dies: a crash in the middle of a batch. */
  readonly crashRate: number;
  /** Added to every DynamoDB call. */
  readonly latencyMs: number;
  /** Orders that BatchWriteItem always returns as UnprocessedItems (a hot partition): they fail every time. */
  readonly unprocessedOrderIds: readonly string[];
}

export class InvalidFaultConfigError extends Error {
  override readonly name = 'InvalidFaultConfigError';
}

const RATES = ['throttleRate', 'unprocessedRate', 'crashRate'] as const;

/** Reads the fault configuration, or undefined when fault injection is off. A malformed one is fatal. */
export const readFaultConfig = (raw: string | undefined = process.env[FAULT_INJECTION_ENV]): FaultConfig | undefined => {
  if (raw === undefined || raw.trim() === '') return undefined;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InvalidFaultConfigError(`${FAULT_INJECTION_ENV} must be JSON such as {"throttleRate":0.05}; got ${raw}`);
  }
  const known = new Set<string>([...RATES, 'latencyMs', 'unprocessedOrderIds']);
  const unknown = Object.keys(parsed).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw new InvalidFaultConfigError(`${FAULT_INJECTION_ENV} has unknown keys ${unknown.join(', ')}; known: ${[...known].join(', ')}`);
  }
  const config = { throttleRate: 0, unprocessedRate: 0, crashRate: 0, latencyMs: 0, unprocessedOrderIds: [], ...parsed } as FaultConfig;
  for (const rate of RATES) {
    if (typeof config[rate] !== 'number' || config[rate] < 0 || config[rate] > 1) {
      throw new InvalidFaultConfigError(`${FAULT_INJECTION_ENV}.${rate} must be a number from 0 to 1`);
    }
  }
  if (typeof config.latencyMs !== 'number' || config.latencyMs < 0) {
    throw new InvalidFaultConfigError(`${FAULT_INJECTION_ENV}.latencyMs must be a non-negative number`);
  }
  if (!Array.isArray(config.unprocessedOrderIds) || config.unprocessedOrderIds.some((id) => typeof id !== 'string')) {
    throw new InvalidFaultConfigError(`${FAULT_INJECTION_ENV}.unprocessedOrderIds must be a list of order ids`);
  }
  return config;
};

export const injectedError = (name: string, message: string): Error => Object.assign(new Error(message), { name });

/**
 * An OrderStore that misbehaves like DynamoDB under stress, in front of the real one. It changes
 * only what DynamoDB could do: refuse a call, leave items unprocessed, be slow, or lose the caller.
 */
export class FaultInjectingOrderStore implements OrderStore {
  readonly maxBatchSize: number;
  readonly maxLookupSize: number;

  constructor(
    private readonly inner: OrderStore,
    private readonly config: FaultConfig,
    private readonly random: () => number = Math.random,
    private readonly crash: () => never = () => process.exit(INJECTED_CRASH_EXIT_CODE),
  ) {
    this.maxBatchSize = inner.maxBatchSize;
    this.maxLookupSize = inner.maxLookupSize;
  }

  async writeBatch(messages: readonly OrderMessage[]): Promise<BatchWriteOutcome> {
    await this.beforeCall('BatchWriteItem');
    const stuck = new Set(this.config.unprocessedOrderIds);
    let toWrite = messages.filter((message) => !stuck.has(message.order.orderId));
    const withheld = messages.filter((message) => stuck.has(message.order.orderId));
    if (toWrite.length > 1 && this.random() < this.config.unprocessedRate) {
      const half = Math.ceil(toWrite.length / 2);
      withheld.push(...toWrite.slice(half));
      toWrite = toWrite.slice(0, half);
    }
    const written = toWrite.length > 0 ? await this.inner.writeBatch(toWrite) : { unprocessed: [] };
    const outcome = { unprocessed: [...written.unprocessed, ...withheld] };
    if (this.random() < this.config.crashRate) this.crash();
    return outcome;
  }

  async findStored(orderIds: readonly string[]): Promise<LookupOutcome> {
    await this.beforeCall('BatchGetItem');
    return this.inner.findStored(orderIds);
  }

  private async beforeCall(operation: string): Promise<void> {
    if (this.config.latencyMs > 0) await sleep(this.config.latencyMs);
    if (this.random() < this.config.throttleRate) {
      throw injectedError('ProvisionedThroughputExceededException', `${operation}: throughput exceeded (injected fault)`);
    }
  }
}
