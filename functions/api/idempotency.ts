import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { MetricUnit, metrics } from '@orders-pipeline/shared/powertools';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** How long a key's response is replayed. */
const KEY_LIFETIME_SECONDS = 3600;
/**
 * Printable ASCII without spaces, like the IETF Idempotency-Key draft's examples (UUIDs, ULIDs...), and without
 * commas: API Gateway joins repeated headers with "," so two Idempotency-Key headers reach the handler as "k1,k2".
 */
const KEY_PATTERN = /^[\x21-\x2b\x2d-\x7e]{1,255}$/;

export type IdempotencyKeyHeader =
  | { readonly present: false }
  | { readonly present: true; readonly valid: true; readonly key: string }
  | { readonly present: true; readonly valid: false; readonly received: string };

/** The Idempotency-Key header of a request, if any, and whether it is usable as a key. */
export const readIdempotencyKey = (headers: Readonly<Record<string, string | undefined>> | undefined): IdempotencyKeyHeader => {
  const received = headers?.[IDEMPOTENCY_KEY_HEADER];
  if (received === undefined) return { present: false };
  return KEY_PATTERN.test(received) ? { present: true, valid: true, key: received } : { present: true, valid: false, received };
};

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * Powertools idempotency keyed on the Idempotency-Key header (HTTP APIs lower-case header names) and
 * validated on the body: the same key with the same body replays the first response, marked with
 * `idempotency-replayed: true`; with another body Powertools throws IdempotencyValidationError.
 * Only requests that carry the header go through here (the key is optional for clients), so a
 * missing key is a bug and throws rather than silently skipping idempotency.
 *
 * Powertools idempotency and the DynamoDB client packages it brings are loaded on the first request that carries a
 * key, not at init: most requests carry none, and every new environment would otherwise pay for them.
 */
export const withIdempotencyKey = (handler: Handler, tableName: string): Handler => {
  let idempotent: { handler: Handler; config: { registerLambdaContext(context: Context): void } } | undefined;
  const load = () => {
    const { DynamoDBPersistenceLayer, IdempotencyConfig, makeIdempotent } = requireIdempotencyEntry();
    const config = new IdempotencyConfig({
      eventKeyJmesPath: `headers."${IDEMPOTENCY_KEY_HEADER}"`,
      payloadValidationJmesPath: 'body',
      throwOnNoIdempotencyKey: true,
      expiresAfterSeconds: KEY_LIFETIME_SECONDS,
      responseHook: (response) => {
        metrics.addMetric('requestsReplayed', MetricUnit.Count, 1);
        const replayed = response as APIGatewayProxyStructuredResultV2;
        return { ...replayed, headers: { ...replayed.headers, 'idempotency-replayed': 'true' } };
      },
    });
    const persistenceStore = new DynamoDBPersistenceLayer({ tableName });
    return { handler: makeIdempotent(handler, { persistenceStore, config }), config };
  };
  return async (event, context) => {
    idempotent ??= load();
    idempotent.config.registerLambdaContext(context);
    return idempotent.handler(event, context);
  };
};

/**
 * `require`, not `import()`: Lambda finds layers through NODE_PATH (/opt/nodejs/node_modules), which resolves
 * CommonJS `require` only; ES module resolution ignores NODE_PATH (Node.js docs, "Modules: ECMAScript modules",
 * "No NODE_PATH", checked 2026-12-07).
 */
const requireIdempotencyEntry = (): typeof import('@orders-pipeline/shared/idempotency') => require('@orders-pipeline/shared/idempotency');

/** Idempotency failures a client can act on, by error name (compared by name across the layer boundary). */
export const IDEMPOTENCY_ERRORS = {
  keyReused: 'IdempotencyValidationError',
  inProgress: 'IdempotencyAlreadyInProgressError',
  persistence: 'IdempotencyPersistenceLayerError',
} as const;
