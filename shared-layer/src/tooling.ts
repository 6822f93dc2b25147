/**
 * The layer as the tooling (the CDK app, local-runtime/, ops/, load/, scripts/) imports it, by relative path since
 * ts-node runs them without tsconfig `paths`: everything but the Powertools logger and metrics, which the index
 * creates at import (the environment they read must be set first), and the functions' client factories.
 */
export * from './errors';
export * from './env/require-env';
export * from './env/variables';
export * from './retry/backoff';
export * from './retry/redelivery-backoff';
export * from './retry/chunk';
export * from './orders/order-id';
export * from './orders/correlation-id';
export * from './orders/order-schema';
export * from './orders/order-message';
export * from './orders/order-item';
export * from './orders/order-ports';
export * from './http/responses';
export * from './clients/sqs-batch-entries';
export * from './clients/sqs-order-queue';
export * from './clients/dynamodb-order-store';
export * from './clients/dynamodb-order-reader';
export * from './orders/dead-letter';
export * from './clients/sqs-dead-letter-queue';
export * from './clients/sqs-redelivery-queue';
