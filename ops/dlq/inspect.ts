import type { SQSClient } from '@aws-sdk/client-sqs';
import { type DeadLetterView, viewDeadLetter } from './dead-letter-view';
import { HeldMessages } from './held-messages';

export interface InspectOptions {
  readonly sqs: SQSClient;
  readonly deadLetterQueueUrl: string;
  /** At most this many messages are read. */
  readonly limit: number;
  readonly onProgress?: (read: number) => void;
  readonly now?: () => Date;
}

export interface Inspection {
  readonly messages: readonly DeadLetterView[];
  /** Reason → number of messages among those read. */
  readonly countsByReason: Readonly<Record<string, number>>;
  /** True when `limit` stopped the read before the DLQ ran out. */
  readonly truncated: boolean;
}

// Long enough to page through `limit` messages without meeting the first ones again.
const HOLD_SECONDS = 60;

/**
 * Reads DLQ messages without consuming them: each is held invisible while the read goes on, and all
 * are made visible again at the end (also when the read fails).
 */
export const inspectDeadLetters = async (options: InspectOptions): Promise<Inspection> => {
  const held = new HeldMessages(options.sqs, options.deadLetterQueueUrl, HOLD_SECONDS);
  const messages: DeadLetterView[] = [];
  let truncated = false;
  try {
    for (;;) {
      const received = await held.receive(options.limit - messages.length);
      const fresh = received.filter((message) => held.hold(message));
      messages.push(...fresh.map((message) => viewDeadLetter(message, options.now?.())));
      options.onProgress?.(messages.length);
      if (fresh.length === 0) break;
      if (messages.length >= options.limit) {
        truncated = true;
        break;
      }
    }
  } finally {
    await held.release();
  }
  const countsByReason: Record<string, number> = {};
  for (const message of messages) countsByReason[message.reason] = (countsByReason[message.reason] ?? 0) + 1;
  return { messages, countsByReason, truncated };
};
