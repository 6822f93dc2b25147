import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  BatchProcessor,
  DynamoDbOrderStore,
  EventType,
  MetricUnit,
  createDynamoDbDocumentClient,
  logger,
  metrics,
  parseOrderMessage,
  processPartialResponse,
  requireEnv,
} from '@orders-pipeline/shared';
import { BatchingOrderWriter } from './batching-order-writer';

const store = new DynamoDbOrderStore(createDynamoDbDocumentClient(), requireEnv('ORDERS_TABLE_NAME'));
const processor = new BatchProcessor(EventType.SQS);

const oldestRecordAgeMs = (records: readonly SQSRecord[], now: number): number =>
  records.reduce((oldest, record) => Math.max(oldest, now - Number(record.attributes.SentTimestamp)), 0);

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.addContext(context);
  metrics.captureColdStartMetric();
  const writer = new BatchingOrderWriter(store, { remainingTimeMs: () => context.getRemainingTimeInMillis() });

  const storeRecord = async (record: SQSRecord): Promise<void> => {
    try {
      await writer.write(parseOrderMessage(record.body));
    } catch (error) {
      logger.warn('record not stored; SQS will redeliver it', { messageId: record.messageId, error });
      throw error;
    }
  };

  try {
    // throwOnFullBatchFailure: false returns every id as a failure instead of throwing: a caught
    // FullBatchFailureError would otherwise turn into an empty response, and SQS would delete everything.
    const response = await processPartialResponse(event, storeRecord, processor, {
      context,
      throwOnFullBatchFailure: false,
    });
    const { stats } = writer;
    metrics.addMetric('ordersStored', MetricUnit.Count, stats.ordersStored);
    metrics.addMetric('batchWriteCalls', MetricUnit.Count, stats.batchWriteCalls);
    metrics.addMetric('unprocessedRetries', MetricUnit.Count, stats.unprocessedRetries);
    metrics.addMetric('duplicatesInBatch', MetricUnit.Count, stats.duplicatesInBatch);
    metrics.addMetric('recordsFailed', MetricUnit.Count, response.batchItemFailures.length);
    metrics.addMetric('oldestRecordAgeMs', MetricUnit.Milliseconds, oldestRecordAgeMs(event.Records, Date.now()));
    logger.info('batch processed', { records: event.Records.length, ...stats, failed: response.batchItemFailures.length });
    return response;
  } finally {
    metrics.publishStoredMetrics();
  }
};
