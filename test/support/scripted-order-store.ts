import { BatchWriteOutcome, OrderMessage, OrderStore } from '@orders-pipeline/shared';

export type WriteScript = (messages: readonly OrderMessage[], call: number) => BatchWriteOutcome | Error;

/**
 * An OrderStore that keeps what it was asked to write and answers each call as a script says:
 * with some messages left unprocessed, or by throwing. The default script writes everything.
 */
export class ScriptedOrderStore implements OrderStore {
  readonly maxBatchSize = 25;
  readonly calls: string[][] = [];
  readonly stored = new Map<string, OrderMessage>();

  constructor(private readonly script: WriteScript = () => ({ unprocessed: [] })) {}

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
}

export const namedError = (name: string): Error => Object.assign(new Error(`${name} (injected)`), { name });
