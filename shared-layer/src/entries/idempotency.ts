/**
 * @orders-pipeline/shared/idempotency: Powertools idempotency with its DynamoDB store. The API loads it on the first
 * request that carries an Idempotency-Key: with it come the DynamoDB client packages, most of what it would add to
 * every environment's init.
 */
export { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
export { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
