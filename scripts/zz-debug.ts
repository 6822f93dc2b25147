import { ChangeMessageVisibilityBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { readFileSync } from 'node:fs';
const outputs = Object.values(JSON.parse(readFileSync('.local/outputs.json', 'utf8')))[0] as Record<string, string>;
const sqs = new SQSClient({ region: 'us-east-1', endpoint: outputs.SqsEndpoint, credentials: { accessKeyId: 'l', secretAccessKey: 'l' }, useQueueUrlAsEndpoint: false });
(async () => {
  const attrs = async () => (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: outputs.DeadLetterQueueUrl, AttributeNames: ['All'] }))).Attributes;
  console.log(await attrs());
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: outputs.DeadLetterQueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60, WaitTimeSeconds: 1 }));
  console.log('received', Messages.length);
  const r = await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: outputs.DeadLetterQueueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 })) }));
  console.log(JSON.stringify(r.Failed), r.Successful?.length);
  console.log(await attrs());
})().catch((e) => console.log('ERR', e));
