import type { BatchWriteOutcome, LookupOutcome, OrderMessage, OrderStore } from '@orders-pipeline/shared';

export type WriteScript = (messages: readonly OrderMessage[], call: number) => BatchWriteOutcome | Error;
export type LookupScript = (orderIds: readonly string[], call: number) => { unprocessed: string[] } | Error;

/**
 * An in-memory OrderStore that answers each call as a script says: with some items or keys left
 * unprocessed, or by throwing. The default scripts process everything. Lookups report what was
 * stored by earlier writes (or seeded with `stored`).
 */
export class ScriptedOrderStore implements OrderStore {
  readonly maxBatchSize = 25;
  readonly maxLookupSize = 100;
  readonly calls: string[][] = [];
  readonly lookups: string[][] = [];
  readonly stored = new Map<string, OrderMessage>();

  constructor(
    private readonly script: WriteScript = () => ({ unprocessed: [] }),
    private readonly lookupScript: LookupScript = () => ({ unprocessed: [] }),
  ) {}

  async writeBatch(messages: readonly OrderMessage[]): Promise<BatchWriteOutcome> {
    this.calls.push(messages.map((message) => message.order.orderId));
    const outcome = this.script(messages, this.calls.length);
    if (outcome instanceof Error) throw outcome;
    const unprocessed = new Set(outcome.unprocessed);
    for (const message of messages) {
      if (!unprocessed.has(message)) this.stored.set(message.order.orderId, message);
    }
    return outcome;
  }

  async findStored(orderIds: readonly string[]): Promise<LookupOutcome> {
    this.lookups.push([...orderIds]);
    const outcome = this.lookupScript(orderIds, this.lookups.length);
    if (outcome instanceof Error) throw outcome;
    const unprocessed = new Set(outcome.unprocessed);
    return {
      stored: new Set(orderIds.filter((id) => !unprocessed.has(id) && this.stored.has(id))),
      unprocessed: outcome.unprocessed,
    };
  }
}

export const namedError = (name: string): Error => Object.assign(new Error(`${name} (injected)`), { name });
