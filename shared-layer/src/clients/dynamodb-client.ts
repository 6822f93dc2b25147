import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AWS_REQUEST_HANDLER } from './request-handler';

export const createDynamoDbDocumentClient = (): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 3, requestHandler: AWS_REQUEST_HANDLER }), {
    marshallOptions: { removeUndefinedValues: true },
  });
