import { type MessageAttributeValue, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DEAD_LETTER_ATTRIBUTES, type DeadLetter, type DeadLetterQueue } from '../orders/dead-letter';

// SQS allows 10 message attributes; the error message is trimmed so the whole message stays small.
const MAX_ERROR_MESSAGE_CHARS = 1_000;
const MAX_MESSAGE_ATTRIBUTES = 10;

export class SqsDeadLetterQueue implements DeadLetterQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(deadLetter: DeadLetter): Promise<void> {
    const reason: Record<string, MessageAttributeValue> = {
      [DEAD_LETTER_ATTRIBUTES.errorType]: { DataType: 'String', StringValue: deadLetter.errorType },
      [DEAD_LETTER_ATTRIBUTES.errorMessage]: {
        DataType: 'String',
        StringValue: deadLetter.errorMessage.slice(0, MAX_ERROR_MESSAGE_CHARS) || '(none)',
      },
      [DEAD_LETTER_ATTRIBUTES.firstSeenAt]: { DataType: 'String', StringValue: deadLetter.firstSeenAt.toISOString() },
      [DEAD_LETTER_ATTRIBUTES.sourceMessageId]: { DataType: 'String', StringValue: deadLetter.sourceMessageId },
    };
    const original = Object.entries(deadLetter.messageAttributes ?? {})
      .filter(([name, value]) => !(name in reason) && value.stringValue !== undefined)
      .slice(0, MAX_MESSAGE_ATTRIBUTES - Object.keys(reason).length)
      .map(([name, value]) => [name, { DataType: value.dataType, StringValue: value.stringValue }] as const);
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: deadLetter.body,
        MessageAttributes: { ...Object.fromEntries(original), ...reason },
      }),
    );
  }
}
