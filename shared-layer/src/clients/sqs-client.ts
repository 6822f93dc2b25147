import { SQSClient } from '@aws-sdk/client-sqs';
import { AWS_REQUEST_HANDLER } from './request-handler';

// The queue URL's host must not override the configured endpoint: locally, requests go through the
// endpoint in AWS_ENDPOINT_URL_SQS (the runtime's request counter); on AWS both are the regional endpoint.
export const createSqsClient = (): SQSClient =>
  new SQSClient({ maxAttempts: 3, requestHandler: AWS_REQUEST_HANDLER, useQueueUrlAsEndpoint: false });
