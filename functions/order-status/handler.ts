import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { DynamoDbOrderReader, ENV, createDynamoDbDocumentClient, logger, requireEnv } from '@orders-pipeline/shared';
import { orderStatus } from './order-status';

const reader = new DynamoDbOrderReader(createDynamoDbDocumentClient(), requireEnv(ENV.ORDERS_TABLE_NAME));

export const handler = async (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
  logger.addContext(context);
  return orderStatus(event.pathParameters?.orderId, reader);
};
