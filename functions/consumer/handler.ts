import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { ENV, type OrderNotWrittenError, isErrorNamed, requireEnv, requirePositiveNumberEnv } from '@orders-pipeline/shared/core';
import { type OrderMessage, assertStorable, correlationIdOf, parseOrderMessage } from '@orders-pipeline/shared/orders';
import { SqsDeadLetterQueue, SqsRedeliveryQueue, createSqsClient } from '@orders-pipeline/shared/sqs';
import { DynamoDbOrderStore, createDynamoDbDocumentClient } from '@orders-pipeline/shared/dynamodb';
import { MetricUnit, logger, metrics } from '@orders-pipeline/shared/powertools';
import { BatchProcessor, EventType, processPartialResponse } from '@orders-pipeline/shared/batch';
import { BatchJournal } from './batch-journal';
import { BatchingOrderWriter } from './batching-order-writer';
import { deadLetterRecord } from './dead-letter-record';
import { holdBack } from './hold-back';

const sqs = createSqsClient();
const store = new DynamoDbOrderStore(createDynamoDbDocumentClient(), requireEnv(ENV.ORDERS_TABLE_NAME));
const deadLetters = new SqsDeadLetterQueue(sqs, requireEnv(ENV.DEAD_LETTER_QUEUE_URL));
const redeliveries = new SqsRedeliveryQueue(sqs, requireEnv(ENV.QUEUE_URL));
const redeliveryBackoff = { firstDelaySeconds: requirePositiveNumberEnv(ENV.REDELIVERY_FIRST_DELAY_SECONDS) };
const processor = new BatchProcessor(EventType.SQS);

const oldestRecordAgeMs = (records: readonly SQSRecord[], now: number): number =>
  records.reduce((oldest, record) => Math.max(oldest, now - Number(record.attributes.SentTimestamp)), 0);

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.addContext(context);
  metrics.captureColdStartMetric();
  const writer = new BatchingOrderWriter(store, { remainingTimeMs: () => context.getRemainingTimeInMillis() });
  const journal = new BatchJournal();
  let sentToDlq = 0;
  const toHoldBack: SQSRecord[] = [];

  const storeRecord = async (record: SQSRecord): Promise<void> => {
    const correlationId = correlationIdOf(record);
    let message: OrderMessage;
    try {
      message = parseOrderMessage(record.body);
      assertStorable(message);
    } catch (error) {
      if (!isErrorNamed(error, 'InvalidOrderMessageError')) throw error;
      // No retry can fix it: dead-letter it now with the reason, and count the record as handled.
      await deadLetterRecord(deadLetters, record, error as Error);
      sentToDlq += 1;
      // The body may not say which order it was; the API's message attribute does.
      const orderId = record.messageAttributes.orderId?.stringValue;
      journal.note(record, orderId, 'deadLettered', (error as Error).message);
      logger.warn('record sent to the DLQ', { messageId: record.messageId, orderId, correlationId, error });
      return;
    }
    const { orderId } = message.order;
    try {
      journal.note(record, orderId, await writer.write(message));
    } catch (error) {
      journal.note(record, orderId, 'notStored', (error as Error).message);
      logger.warn('record not stored; SQS will redeliver it', { messageId: record.messageId, orderId, correlationId, error });
      if (isErrorNamed(error, 'OrderNotWrittenError') && (error as OrderNotWrittenError).retryable) toHoldBack.push(record);
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
    const unsetDelays = await holdBack(redeliveries, toHoldBack, redeliveryBackoff);
    if (unsetDelays.length > 0) {
      logger.warn('redelivery delay not set; those records come back after the queue visibility timeout', { unsetDelays });
    }
    const { stats } = writer;
    metrics.addMetric('ordersStored', MetricUnit.Count, stats.ordersStored);
    metrics.addMetric('duplicatesSkipped', MetricUnit.Count, stats.duplicatesSkipped);
    metrics.addMetric('batchGetCalls', MetricUnit.Count, stats.batchGetCalls);
    metrics.addMetric('batchWriteCalls', MetricUnit.Count, stats.batchWriteCalls);
    metrics.addMetric('unprocessedRetries', MetricUnit.Count, stats.unprocessedRetries);
    metrics.addMetric('recordsFailed', MetricUnit.Count, response.batchItemFailures.length);
    metrics.addMetric('sentToDlq', MetricUnit.Count, sentToDlq);
    metrics.addMetric('recordsHeldBack', MetricUnit.Count, toHoldBack.length - unsetDelays.length);
    metrics.addMetric('oldestRecordAgeMs', MetricUnit.Milliseconds, oldestRecordAgeMs(event.Records, Date.now()));
    logger.info('batch processed', {
      records: event.Records.length,
      ...stats,
      sentToDlq,
      failed: response.batchItemFailures.length,
      heldBack: toHoldBack.length - unsetDelays.length,
      orders: journal.entries,
    });
    return response;
  } finally {
    metrics.publishStoredMetrics();
  }
};
