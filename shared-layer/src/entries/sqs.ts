/** @orders-pipeline/shared/sqs: SQS: the client and the queues built on it (order queue, dead-letter queue, redelivery). */
export * from '../clients/sqs-client';
export * from '../clients/sqs-batch-entries';
export * from '../clients/sqs-order-queue';
export * from '../clients/sqs-dead-letter-queue';
export * from '../clients/sqs-redelivery-queue';
