import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { readFileSync } from 'node:fs';
import { buildOrderMessage, serializeOrderMessage } from '../shared-layer/src';
const outputs = Object.values(JSON.parse(readFileSync('/work/main/.local/outputs.json', 'utf8')))[0] as Record<string, string>;
const sqs = new SQSClient({ region: 'us-east-1', endpoint: outputs.SqsEndpoint, credentials: { accessKeyId: 'l', secretAccessKey: 'l' }, useQueueUrlAsEndpoint: false });
(async () => {
  for (let i = 0; i < 3; i++) await sqs.send(new SendMessageCommand({ QueueUrl: outputs.QueueUrl, MessageBody: `{"version":1,"order":{"note":"poison ${i}"}}` }));
  for (let i = 0; i < 5; i++) {
    const m = buildOrderMessage({ orderId: `dlq-demo-${i}`, customerId: 'c', currency: 'USD', items: [{ sku: 's', quantity: 1, unitPrice: 1 }] }, new Date());
    await sqs.send(new SendMessageCommand({ QueueUrl: outputs.DeadLetterQueueUrl, MessageBody: serializeOrderMessage(m), MessageAttributes: { orderId: { DataType: 'String', StringValue: m.order.orderId } } }));
  }
})();
