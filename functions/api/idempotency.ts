import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { DynamoDBPersistenceLayer, IdempotencyConfig, makeIdempotent } from '@orders-pipeline/shared';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** How long a key's response is replayed. */
const KEY_LIFETIME_SECONDS = 3600;

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * Powertools idempotency keyed on the Idempotency-Key header (HTTP APIs lower-case header names) and
 * validated on the body: the same key with the same body replays the first response, marked with
 * `idempotency-replayed: true`; with another body Powertools throws IdempotencyValidationError.
 * Without the header, the request is processed normally (the key is optional).
 */
export const withIdempotencyKey = (handler: Handler, tableName: string): { handler: Handler; config: IdempotencyConfig } => {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: `headers."${IDEMPOTENCY_KEY_HEADER}"`,
    payloadValidationJmesPath: 'body',
    throwOnNoIdempotencyKey: false,
    expiresAfterSeconds: KEY_LIFETIME_SECONDS,
    responseHook: (response) => {
      const replayed = response as APIGatewayProxyStructuredResultV2;
      return { ...replayed, headers: { ...replayed.headers, 'idempotency-replayed': 'true' } };
    },
  });
  const persistenceStore = new DynamoDBPersistenceLayer({ tableName });
  return { handler: makeIdempotent(handler, { persistenceStore, config }), config };
};

/** Idempotency failures a client can act on, by error name (compared by name across the layer boundary). */
export const IDEMPOTENCY_ERRORS = {
  keyReused: 'IdempotencyValidationError',
  inProgress: 'IdempotencyAlreadyInProgressError',
  persistence: 'IdempotencyPersistenceLayerError',
} as const;
