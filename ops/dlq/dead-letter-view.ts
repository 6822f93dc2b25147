import type { Message } from '@aws-sdk/client-sqs';
import { DEAD_LETTER_ATTRIBUTES } from '../../shared-layer/src/tooling';

/** SQS moved it after maxReceiveCount failed receives; the consumer never said why. */
export const MAX_RECEIVES_REASON = 'MaxReceiveCountExceeded';

/** What an operator needs to know about one DLQ message. */
export interface DeadLetterView {
  readonly messageId: string;
  readonly orderId: string | undefined;
  /** The consumer's errorType, or MaxReceiveCountExceeded when SQS moved the message. */
  readonly reason: string;
  readonly errorMessage: string | undefined;
  /**
   * False when the consumer dead-lettered the message itself: it does so only for failures no retry can
   * fix (an invalid order message), so a redrive sends it straight back to the DLQ.
   */
  readonly retryable: boolean;
  /** The order queue's message it was: the consumer names it; SQS keeps the id when it moves a message. */
  readonly sourceMessageId: string;
  readonly body: string;
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
  const errorType = attribute(message, DEAD_LETTER_ATTRIBUTES.errorType);
  return {
    messageId: message.MessageId ?? '',
    orderId: attribute(message, 'orderId') ?? orderIdFromBody(message.Body),
    reason: errorType ?? MAX_RECEIVES_REASON,
    errorMessage: attribute(message, DEAD_LETTER_ATTRIBUTES.errorMessage),
    retryable: errorType === undefined,
    sourceMessageId: attribute(message, DEAD_LETTER_ATTRIBUTES.sourceMessageId) ?? message.MessageId ?? '',
    body: message.Body ?? '',
    previousReceives: Math.max(0, Number(message.Attributes?.ApproximateReceiveCount ?? 1) - 1),
    firstSentAt: new Date(sentAt),
    ageMs: Math.max(0, now.getTime() - sentAt),
  };
};

/** The reason attributes come off a redriven copy: the message goes back as it was first queued. */
export const isDeadLetterAttribute = (name: string): boolean => (Object.values(DEAD_LETTER_ATTRIBUTES) as string[]).includes(name);

/** A body on one line, at most `width` characters: runs of whitespace and control characters become one space. */
export const bodyPreview = (body: string, width = 120): string => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what the preview replaces.
  const line = body.replace(/[\s\x00-\x1f\x7f]+/g, ' ').trim();
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
};
