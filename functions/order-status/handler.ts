import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ENV, requireEnv } from '@orders-pipeline/shared/core';
import { DynamoDbOrderReader, createDynamoDbDocumentClient } from '@orders-pipeline/shared/dynamodb';
import { logger } from '@orders-pipeline/shared/powertools';
import { orderStatus } from './order-status';

const reader = new DynamoDbOrderReader(createDynamoDbDocumentClient(), requireEnv(ENV.ORDERS_TABLE_NAME));

export const handler = async (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
  logger.addContext(context);
  return orderStatus(event.pathParameters?.orderId, reader);
};
