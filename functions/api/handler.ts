import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ENV, isErrorNamed, jsonResponse, orderLocation, type Problem, problemResponse, requireEnv } from '@orders-pipeline/shared/core';
import { CORRELATION_ID_HEADER, type MessageTrace, correlationIdFor } from '@orders-pipeline/shared/orders';
import { SqsOrderQueue, createSqsClient } from '@orders-pipeline/shared/sqs';
import { MetricUnit, logger, metrics } from '@orders-pipeline/shared/powertools';
import { acceptOrder, acceptOrders } from './accept-order';
import { batchResponse } from './batch-response';
import { IDEMPOTENCY_ERRORS, readIdempotencyKey, withIdempotencyKey } from './idempotency';
import { parseOrderBatchRequest, parseOrderRequest } from './parse-order-request';
import { problems } from './problem';

const queue = new SqsOrderQueue(createSqsClient(), requireEnv(ENV.QUEUE_URL));
const RETRY_AFTER = { 'retry-after': '1' };

const traces = new WeakMap<APIGatewayProxyEventV2, MessageTrace>();
/** One correlation id per request, however often it is asked for (an event without a requestContext gets a fresh id). */
const traceOf = (event: APIGatewayProxyEventV2): MessageTrace => {
  let trace = traces.get(event);
  if (!trace) {
    trace = { correlationId: correlationIdFor(event.headers, event.requestContext?.requestId ?? randomUUID()) };
    traces.set(event, trace);
  }
  return trace;
};

/** What a rejection log line says: the problem's bounded fields, never the body (see docs/api.md, "Amplification budget"). */
const rejection = ({ status, type, errors, errorCount }: Problem) => ({ status, type, errors, errorCount });

const createOrder = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const request = parseOrderRequest(event);
  if (!request.ok) {
    metrics.addMetric('ordersRejected', MetricUnit.Count, 1);
    logger.info('order rejected', rejection(request.problem));
    return problemResponse(request.problem);
  }
  const order = await acceptOrder(request.value, queue, traceOf(event));
  metrics.addMetric('ordersAccepted', MetricUnit.Count, 1);
  logger.info('order accepted', { orderId: order.orderId });
  return jsonResponse(
    202,
    { orderId: order.orderId, status: 'ACCEPTED' },
    { location: orderLocation(order.orderId), [CORRELATION_ID_HEADER]: traceOf(event).correlationId },
  );
};

const createOrders = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const request = parseOrderBatchRequest(event);
  if (!request.ok) {
    metrics.addMetric('batchesRejected', MetricUnit.Count, 1);
    logger.info('batch rejected', rejection(request.problem));
    return problemResponse(request.problem);
  }
  const valid = request.value.flatMap((entry) => (entry.valid ? [entry] : []));
  const acceptances = valid.length > 0 ? await acceptOrders(valid, queue, traceOf(event)) : [];
  const accepted = acceptances.filter((acceptance) => acceptance.enqueued).length;
  metrics.addMetric('ordersAccepted', MetricUnit.Count, accepted);
  metrics.addMetric('ordersRejected', MetricUnit.Count, request.value.length - accepted);
  logger.info('batch processed', {
    orders: request.value.length,
    accepted,
    orderIds: acceptances.filter((acceptance) => acceptance.enqueued).map((acceptance) => acceptance.order.orderId),
  });
  const response = batchResponse(request.value, acceptances);
  return { ...response, headers: { ...response.headers, [CORRELATION_ID_HEADER]: traceOf(event).correlationId } };
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

const handleRequest = async (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
  try {
    const idempotencyKey = readIdempotencyKey(event.headers);
    if (!idempotencyKey.present) return await routeRequest(event);
    if (!idempotencyKey.valid) return problemResponse(problems.invalidIdempotencyKey(idempotencyKey.received));
    return await idempotent(event, context);
  } catch (error) {
    return problemFor(error);
  }
};

export const handler = async (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
  logger.addContext(context);
  metrics.captureColdStartMetric();
  const { correlationId } = traceOf(event);
  // Temporary keys: every line of this request, none of the next one's.
  logger.resetKeys();
  logger.appendKeys({ correlationId });
  try {
    const response = await handleRequest(event, context);
    // Accepting responses carry their correlation id already, so a replayed one names the request that enqueued
    // the orders (the one to trace); every other response gets this request's.
    return { ...response, headers: { [CORRELATION_ID_HEADER]: correlationId, ...response.headers } };
  } finally {
    // Paths without business metrics (an invalid or reused Idempotency-Key) would otherwise log a warning per request.
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
};
