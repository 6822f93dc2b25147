import type { Message } from '@aws-sdk/client-sqs';
import { DEAD_LETTER_ATTRIBUTES } from '../../shared-layer/src/orders/dead-letter';

/** SQS moved it after maxReceiveCount failed receives; the consumer never said why. */
export const MAX_RECEIVES_REASON = 'MaxReceiveCountExceeded';

/** What an operator needs to know about one DLQ message. */
export interface DeadLetterView {
  readonly messageId: string;
  readonly orderId: string | undefined;
  /** The consumer's errorType, or MaxReceiveCountExceeded when SQS moved the message. */
  readonly reason: string;
  readonly errorMessage: string | undefined;
  /** Receives from the DLQ before this one (ApproximateReceiveCount counts the read that produced this view). */
  readonly previousReceives: number;
  readonly firstSentAt: Date;
  readonly ageMs: number;
}

const attribute = (message: Message, name: string): string | undefined => message.MessageAttributes?.[name]?.StringValue;

const orderIdFromBody = (body: string | undefined): string | undefined => {
  try {
    const orderId = (JSON.parse(body ?? '') as { order?: { orderId?: unknown } }).order?.orderId;
    return typeof orderId === 'string' ? orderId : undefined;
  } catch {
    return undefined;
  }
};

export const viewDeadLetter = (message: Message, now: Date = new Date()): DeadLetterView => {
  const sentAt = Number(message.Attributes?.SentTimestamp ?? now.getTime());
  return {
    messageId: message.MessageId ?? '',
    orderId: attribute(message, 'orderId') ?? orderIdFromBody(message.Body),
    reason: attribute(message, DEAD_LETTER_ATTRIBUTES.errorType) ?? MAX_RECEIVES_REASON,
    errorMessage: attribute(message, DEAD_LETTER_ATTRIBUTES.errorMessage),
    previousReceives: Math.max(0, Number(message.Attributes?.ApproximateReceiveCount ?? 1) - 1),
    firstSentAt: new Date(sentAt),
    ageMs: Math.max(0, now.getTime() - sentAt),
  };
};

/** The reason attributes come off a redriven copy: the message goes back as it was first queued. */
export const isDeadLetterAttribute = (name: string): boolean => (Object.values(DEAD_LETTER_ATTRIBUTES) as string[]).includes(name);
