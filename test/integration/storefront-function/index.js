// The storefront app's one function (test/integration/storefront-stack.ts): tells which route API Gateway chose,
// and sends to its queue with an SQS client as apps usually make one, with no endpoint and no useQueueUrlAsEndpoint,
// so that the SDK sends to the QueueUrl's host.
const { GetQueueUrlCommand, SendMessageCommand, SQSClient } = require('@aws-sdk/client-sqs');

const sqs = new SQSClient({});

exports.handler = async (event) => {
  if (event.rawPath === '/send') {
    let queueUrl = process.env.QUEUE_URL;
    if (event.queryStringParameters?.via === 'GetQueueUrl') {
      ({ QueueUrl: queueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: process.env.QUEUE_NAME })));
    }
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'hello' }));
    // The SDK's warnings (console.warn) land in the same log as this line.
    console.log(`sent to ${queueUrl}`);
  }
  return {
    statusCode: 200,
    // With CORS configured on the API, API Gateway ignores the CORS headers an integration returns.
    headers: { 'content-type': 'application/json', 'access-control-allow-origin': 'https://not-configured.example' },
    body: JSON.stringify({ routeKey: event.routeKey, pathParameters: event.pathParameters ?? null }),
  };
};
