/**
 * The layer as the tooling (the CDK app, local-runtime/, ops/, load/, scripts/) imports it, by relative path since
 * ts-node runs them without tsconfig `paths`: the `core` and `orders` entries and the adapters of the `sqs` and
 * `dynamodb` entries, but not the Powertools logger and metrics, which the `powertools` entry creates at import (the
 * environment they read must be set first), nor the functions' client factories.
 */
export * from './entries/core';
export * from './entries/orders';
export * from './clients/sqs-batch-entries';
export * from './clients/sqs-order-queue';
export * from './clients/sqs-dead-letter-queue';
export * from './clients/sqs-redelivery-queue';
export * from './clients/dynamodb-order-store';
export * from './clients/dynamodb-order-reader';
