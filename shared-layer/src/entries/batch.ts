/** @orders-pipeline/shared/batch: Powertools batch processing, for the consumer only. */
export { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
