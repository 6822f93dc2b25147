/**
 * Every entry of the shared layer at once, for tooling and tests. Functions import the entries they use
 * (`@orders-pipeline/shared/orders`, `.../sqs`, ...; entries/), each its own file in the layer, so that a function's
 * init loads only what it uses.
 */
export * from './entries/core';
export * from './entries/orders';
export * from './entries/sqs';
export * from './entries/dynamodb';
export * from './entries/powertools';
export * from './entries/batch';
export * from './entries/idempotency';
