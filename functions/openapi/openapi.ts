import { CORRELATION_ID_HEADER, MAX_BATCH_ORDERS, ORDER_ID_PATTERN, orderJsonSchema } from '@orders-pipeline/shared/orders';

const problemSchema = {
  type: 'object',
  description: 'RFC 9457 problem details',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    errors: {
      type: 'array',
      description: 'The first 20 field errors at most (see errorCount)',
      maxItems: 20,
      items: {
        type: 'object',
        required: ['pointer', 'detail'],
        properties: {
          pointer: {
            type: 'string',
            maxLength: 256,
            description: 'RFC 6901 JSON pointer into the request body; a longer one is cut to an ancestor that fits',
          },
          detail: { type: 'string', maxLength: 240 },
        },
      },
    },
    errorCount: { type: 'integer', description: 'How many field errors there were in all' },
  },
};

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes a retried request safe: the same key with the same body gets the same response and enqueues nothing new (for an hour).',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};

const correlationIdParameter = {
  name: CORRELATION_ID_HEADER,
  in: 'header',
  required: false,
  description:
    'Your id for this request (1-128 letters, digits, ".", "_", ":" or "-"): it follows the orders into every log line. Otherwise the API request id is used. Either way the response echoes it.',
  schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
};

const correlationIdHeader = {
  [CORRELATION_ID_HEADER]: {
    description: 'The id the orders are traced by (npm run trace, the lifecycle query)',
    schema: { type: 'string' },
  },
};

const commonProblems = {
  '400': problem(
    'Malformed JSON, invalid UTF-8 or an invalid order; `errors` names the first 20 offending fields, `errorCount` counts them all',
  ),
  '409': problem('A request with the same Idempotency-Key is still in progress; retry after Retry-After'),
  '413': problem('Body over 64 KiB'),
  '415': problem('Content type is not application/json'),
  '422': problem('The Idempotency-Key was used with a different body'),
  '503': problem('The queue is unavailable; nothing was accepted; retry after Retry-After'),
};

/** The OpenAPI 3.1 description of the intake API, generated from the order schema. */
export const buildOpenApiDocument = (): Record<string, unknown> => ({
  openapi: '3.1.0',
  info: {
    title: 'orders-pipeline intake API',
    version: '1.0.0',
    description: 'Accepts orders over HTTPS; every accepted order is stored exactly once.',
  },
  paths: {
    '/orders': {
      post: {
        operationId: 'createOrder',
        parameters: [idempotencyKey, correlationIdParameter],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Order' } } } },
        responses: {
          '202': {
            description: 'Accepted: the order is queued and will be stored',
            headers: {
              Location: { description: 'Where its status is served: /orders/{orderId}', schema: { type: 'string' } },
              ...correlationIdHeader,
            },
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Accepted' } } },
          },
          ...commonProblems,
        },
      },
    },
    '/orders/batch': {
      post: {
        operationId: 'createOrders',
        parameters: [idempotencyKey, correlationIdParameter],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                required: ['orders'],
                properties: {
                  orders: { type: 'array', minItems: 1, maxItems: MAX_BATCH_ORDERS, items: { $ref: '#/components/schemas/Order' } },
                },
              },
            },
          },
        },
        responses: {
          '202': {
            description: 'Every order accepted',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/BatchResult' } } },
          },
          '207': {
            description: 'Some orders accepted, some not',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/BatchResult' } } },
          },
          ...commonProblems,
          '400': problem('No order in the batch was valid (or the batch itself is malformed)'),
        },
      },
    },
    '/orders/{orderId}': {
      get: {
        operationId: 'getOrder',
        parameters: [{ name: 'orderId', in: 'path', required: true, schema: { type: 'string', pattern: ORDER_ID_PATTERN.source } }],
        responses: {
          '200': {
            description: 'The order is stored',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/StoredOrder' } } },
          },
          '400': problem('Not an order id'),
          '404': problem('No such order is stored (yet): an order accepted moments ago is stored within seconds'),
          '503': problem('The order store did not answer; retry after Retry-After'),
        },
      },
    },
    '/openapi.json': {
      get: { operationId: 'getOpenApi', responses: { '200': { description: 'This document', content: { 'application/json': {} } } } },
    },
  },
  components: {
    schemas: {
      Order: orderJsonSchema(),
      StoredOrder: {
        type: 'object',
        required: ['orderId', 'status', 'acceptedAt', 'order'],
        properties: {
          orderId: { type: 'string' },
          status: { const: 'STORED' },
          acceptedAt: { type: 'string', format: 'date-time' },
          order: { $ref: '#/components/schemas/Order' },
        },
      },
      Accepted: {
        type: 'object',
        required: ['orderId', 'status'],
        properties: { orderId: { type: 'string' }, status: { const: 'ACCEPTED' } },
      },
      BatchResult: {
        type: 'object',
        required: ['accepted', 'rejected', 'results'],
        properties: {
          accepted: { type: 'integer' },
          rejected: { type: 'integer' },
          results: {
            type: 'array',
            items: {
              type: 'object',
              required: ['index', 'status'],
              properties: {
                index: { type: 'integer' },
                status: { enum: ['ACCEPTED', 'REJECTED', 'NOT_ENQUEUED'] },
                orderId: { type: 'string' },
                errors: { $ref: '#/components/schemas/Problem/properties/errors' },
                errorCount: { $ref: '#/components/schemas/Problem/properties/errorCount' },
                detail: { type: 'string' },
              },
            },
          },
        },
      },
      Problem: problemSchema,
    },
  },
});
