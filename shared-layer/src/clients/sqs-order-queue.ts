import { setTimeout as sleep } from 'node:timers/promises';
import { type MessageAttributeValue, SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { EnqueueFailedError } from '../errors';
import type { OrderMessage } from '../orders/order-message';
import { serializeOrderMessage } from '../orders/serialize-order-message';
import { CORRELATION_ID_ATTRIBUTE } from '../orders/correlation-id';
import type { MessageTrace, OrderQueue } from '../orders/order-ports';
import { fullJitterDelayMs } from '../retry/backoff';
import { chunk } from '../retry/chunk';
import { batchEntries, batchItemsNamed } from './sqs-batch-entries';

/** SendMessageBatch's limit. */
export const SEND_MESSAGE_BATCH_MAX = 10;
const BATCH_ATTEMPTS = 3;

const attributesOf = (message: OrderMessage, trace: MessageTrace | undefined): Record<string, MessageAttributeValue> => ({
  orderId: { DataType: 'String', StringValue: message.order.orderId },
  messageVersion: { DataType: 'Number', StringValue: String(message.version) },
  ...(trace ? { [CORRELATION_ID_ATTRIBUTE]: { DataType: 'String', StringValue: trace.correlationId } } : {}),
});

export class SqsOrderQueue implements OrderQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(message: OrderMessage, trace?: MessageTrace): Promise<void> {
    try {
      await this.client.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: serializeOrderMessage(message),
          MessageAttributes: attributesOf(message, trace),
        }),
      );
    } catch (error) {
      throw new EnqueueFailedError(`could not enqueue order ${message.order.orderId}`, { cause: error });
    }
  }

  /**
   * SendMessageBatch, 10 per call, in parallel. Entries SQS failed on its side are retried with
   * backoff; entries failed for the sender's fault, or still failing after 3 attempts, are returned.
   */
  async enqueueMany(messages: readonly OrderMessage[], trace?: MessageTrace): Promise<ReadonlySet<OrderMessage>> {
    const failed = new Set<OrderMessage>();
    await Promise.all(
      chunk(messages, SEND_MESSAGE_BATCH_MAX).map(async (group) => {
        let pending: readonly OrderMessage[] = group;
        for (let attempt = 1; pending.length > 0; attempt += 1) {
          const entries = batchEntries(pending, (message) => ({
            MessageBody: serializeOrderMessage(message),
            MessageAttributes: attributesOf(message, trace),
          }));
          let retry: readonly OrderMessage[];
          try {
            const { Failed = [] } = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }));
            const refused = batchItemsNamed(
              pending,
              Failed.filter((f) => f.SenderFault),
            );
            retry = batchItemsNamed(
              pending,
              Failed.filter((f) => !f.SenderFault),
            );
            for (const message of refused) failed.add(message);
          } catch {
            retry = pending;
          }
          if (retry.length > 0 && attempt >= BATCH_ATTEMPTS) {
            for (const message of retry) failed.add(message);
            return;
          }
          if (retry.length > 0) await sleep(fullJitterDelayMs(attempt));
          pending = retry;
        }
      }),
    );
    return failed;
  }
}
