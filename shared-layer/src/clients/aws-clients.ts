import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';

// Short socket timeouts: a hung connection should fail fast and be retried by the SDK, not eat
// the invocation's whole time budget. Endpoints come from AWS_ENDPOINT_URL_* when set (local runtime).
const requestHandler = { connectionTimeout: 1_000, requestTimeout: 5_000 };

export const createDynamoDbDocumentClient = (): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 3, requestHandler }), {
    marshallOptions: { removeUndefinedValues: true },
  });

// The queue URL's host must not override the configured endpoint: locally, requests go through the
// endpoint in AWS_ENDPOINT_URL_SQS (the runtime's request counter); on AWS both are the regional endpoint.
export const createSqsClient = (): SQSClient => new SQSClient({ maxAttempts: 3, requestHandler, useQueueUrlAsEndpoint: false });
