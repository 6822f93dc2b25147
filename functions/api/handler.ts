import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import {
  MetricUnit,
  SqsOrderQueue,
  createSqsClient,
  isErrorNamed,
  logger,
  metrics,
  requireEnv,
} from '@orders-pipeline/shared';
import { acceptOrder } from './accept-order';
import { parseOrderRequest } from './parse-order-request';
import { jsonResponse, problemResponse, problems } from './problem';

const queue = new SqsOrderQueue(createSqsClient(), requireEnv('QUEUE_URL'));
const RETRY_AFTER_SECONDS = '1';

export const handler = async (
  event: APIGatewayProxyEventV2,
  context: Context,
): Promise<APIGatewayProxyStructuredResultV2> => {
  logger.addContext(context);
  metrics.captureColdStartMetric();
  try {
    const request = parseOrderRequest(event);
    if (!request.ok) {
      metrics.addMetric('ordersRejected', MetricUnit.Count, 1);
      logger.info('order rejected', { status: request.problem.status, errors: request.problem.errors });
      return problemResponse(request.problem);
    }
    const order = await acceptOrder(request.order, queue);
    metrics.addMetric('ordersAccepted', MetricUnit.Count, 1);
    logger.info('order accepted', { orderId: order.orderId });
    return jsonResponse(202, { orderId: order.orderId, status: 'ACCEPTED' });
  } catch (error) {
    if (isErrorNamed(error, 'EnqueueFailedError')) {
      metrics.addMetric('enqueueFailures', MetricUnit.Count, 1);
      logger.error('order not enqueued', { error });
      return problemResponse(problems.enqueueUnavailable(), { 'retry-after': RETRY_AFTER_SECONDS });
    }
    logger.error('unexpected error', { error });
    return problemResponse(problems.internal());
  } finally {
    metrics.publishStoredMetrics();
  }
};
