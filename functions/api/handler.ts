import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ENV, MetricUnit, SqsOrderQueue, createSqsClient, isErrorNamed, logger, metrics, requireEnv } from '@orders-pipeline/shared';
import { acceptOrder, acceptOrders } from './accept-order';
import { batchResponse } from './batch-response';
import { IDEMPOTENCY_ERRORS, readIdempotencyKey, withIdempotencyKey } from './idempotency';
import { parseOrderBatchRequest, parseOrderRequest } from './parse-order-request';
import { jsonResponse, problemResponse, problems } from './problem';

const queue = new SqsOrderQueue(createSqsClient(), requireEnv(ENV.QUEUE_URL));
const RETRY_AFTER = { 'retry-after': '1' };

const createOrder = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const request = parseOrderRequest(event);
  if (!request.ok) {
    metrics.addMetric('ordersRejected', MetricUnit.Count, 1);
    logger.info('order rejected', { status: request.problem.status, errors: request.problem.errors });
    return problemResponse(request.problem);
  }
  const order = await acceptOrder(request.value, queue);
  metrics.addMetric('ordersAccepted', MetricUnit.Count, 1);
  logger.info('order accepted', { orderId: order.orderId });
  return jsonResponse(202, { orderId: order.orderId, status: 'ACCEPTED' });
};

const createOrders = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const request = parseOrderBatchRequest(event);
  if (!request.ok) {
    metrics.addMetric('batchesRejected', MetricUnit.Count, 1);
    logger.info('batch rejected', { status: request.problem.status, errors: request.problem.errors });
    return problemResponse(request.problem);
  }
  const valid = request.value.flatMap((entry) => (entry.valid ? [entry] : []));
  const acceptances = valid.length > 0 ? await acceptOrders(valid, queue) : [];
  const accepted = acceptances.filter((acceptance) => acceptance.enqueued).length;
  metrics.addMetric('ordersAccepted', MetricUnit.Count, accepted);
  metrics.addMetric('ordersRejected', MetricUnit.Count, request.value.length - accepted);
  logger.info('batch processed', { orders: request.value.length, accepted });
  return batchResponse(request.value, acceptances);
};

const routeRequest = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  switch (event.routeKey) {
    case 'POST /orders':
      return createOrder(event);
    case 'POST /orders/batch':
      return createOrders(event);
    default:
      return problemResponse(problems.routeNotFound(event.routeKey));
  }
};

// 503s are thrown, not returned, so that Powertools never stores them as a key's response.
const idempotent = withIdempotencyKey(routeRequest, requireEnv(ENV.IDEMPOTENCY_TABLE_NAME));

const problemFor = (error: unknown): APIGatewayProxyStructuredResultV2 => {
  if (isErrorNamed(error, 'EnqueueFailedError')) {
    metrics.addMetric('enqueueFailures', MetricUnit.Count, 1);
    logger.error('order not enqueued', { error });
    return problemResponse(problems.enqueueUnavailable(), RETRY_AFTER);
  }
  if (isErrorNamed(error, IDEMPOTENCY_ERRORS.keyReused)) return problemResponse(problems.idempotencyKeyReused());
  if (isErrorNamed(error, IDEMPOTENCY_ERRORS.inProgress)) return problemResponse(problems.requestInProgress(), RETRY_AFTER);
  if (isErrorNamed(error, IDEMPOTENCY_ERRORS.persistence)) {
    logger.error('idempotency store unavailable', { error });
    return problemResponse(problems.idempotencyUnavailable(), RETRY_AFTER);
  }
  logger.error('unexpected error', { error });
  return problemResponse(problems.internal());
};

export const handler = async (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
  logger.addContext(context);
  metrics.captureColdStartMetric();
  try {
    const idempotencyKey = readIdempotencyKey(event.headers);
    if (!idempotencyKey.present) return await routeRequest(event);
    if (!idempotencyKey.valid) return problemResponse(problems.invalidIdempotencyKey(idempotencyKey.received));
    idempotent.config.registerLambdaContext(context);
    return await idempotent.handler(event, context);
  } catch (error) {
    return problemFor(error);
  } finally {
    // Paths without business metrics (an invalid or reused Idempotency-Key) would otherwise log a warning per request.
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
};
