/** @orders-pipeline/shared/dynamodb: DynamoDB: the document client and the order store and reader built on it. */
export * from '../clients/dynamodb-client';
export * from '../clients/dynamodb-order-store';
export * from '../clients/dynamodb-order-reader';
