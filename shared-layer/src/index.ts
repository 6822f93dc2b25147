/** Public surface of the shared layer, mounted in Lambda at /opt/nodejs/node_modules/@orders-pipeline/shared. */
export * from './errors';
export * from './env/require-env';
export * from './env/variables';
export * from './retry/backoff';
export * from './retry/chunk';
export * from './orders/order-id';
export * from './orders/order-schema';
export * from './orders/order-message';
export * from './orders/order-item';
export * from './orders/order-ports';
export * from './clients/aws-clients';
export * from './clients/sqs-batch-entries';
export * from './clients/sqs-order-queue';
export * from './clients/dynamodb-order-store';
export * from './powertools';
export * from './orders/dead-letter';
export * from './clients/sqs-dead-letter-queue';
