/** @orders-pipeline/shared/core: Errors, environment, retry and HTTP response helpers: plain code, no dependency. */
export * from '../errors';
export * from '../env/require-env';
export * from '../env/variables';
export * from '../retry/backoff';
export * from '../retry/redelivery-backoff';
export * from '../retry/chunk';
export * from '../http/responses';
