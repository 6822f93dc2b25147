/**
 * Message attributes the consumer puts on a message it dead-letters itself (a non-retryable failure),
 * and that DLQ tooling reads. SQS's own redrive after maxReceiveCount carries none of them.
 */
export const DEAD_LETTER_ATTRIBUTES = {
  errorType: 'errorType',
  errorMessage: 'errorMessage',
  /** ISO 8601: when the consumer first received the message. */
  firstSeenAt: 'firstSeenAt',
  sourceMessageId: 'sourceMessageId',
} as const;

export interface DeadLetter {
  readonly body: string;
  readonly errorType: string;
  readonly errorMessage: string;
  readonly firstSeenAt: Date;
  readonly sourceMessageId: string;
  /** The original message attributes, kept so that a redrive restores the message as it was. */
  readonly messageAttributes?: Readonly<Record<string, { readonly dataType: string; readonly stringValue?: string }>>;
}

/** Where non-retryable messages go at once. Adapters live in ../clients. */
export interface DeadLetterQueue {
  send(deadLetter: DeadLetter): Promise<void>;
}
