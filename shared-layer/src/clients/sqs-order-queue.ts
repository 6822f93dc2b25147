import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { EnqueueFailedError } from '../errors';
import { OrderMessage, serializeOrderMessage } from '../orders/order-message';
import { OrderQueue } from '../orders/order-ports';

export class SqsOrderQueue implements OrderQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(message: OrderMessage): Promise<void> {
    try {
      await this.client.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: serializeOrderMessage(message),
          MessageAttributes: {
            orderId: { DataType: 'String', StringValue: message.order.orderId },
            messageVersion: { DataType: 'Number', StringValue: String(message.version) },
          },
        }),
      );
    } catch (error) {
      throw new EnqueueFailedError(`could not enqueue order ${message.order.orderId}`, { cause: error });
    }
  }
}
