import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createEphemeralDir } from './ephemeral-dir';
import { type LocalRuntime, startLocalRuntime } from './local-runtime';
import type { LocalRuntimeOptions } from './options';
import type { BatchSummary } from './sqs-event-source';

/** A fresh local pipeline for one run: its runtime, SDK clients on its emulators, and every batch it ran. */
export interface LocalPipeline {
  readonly runtime: LocalRuntime;
  readonly dataDir: string;
  readonly sqs: SQSClient;
  readonly documents: DynamoDBDocumentClient;
  readonly batches: readonly BatchSummary[];
  /** When the last event-source batch finished (start time until the first). */
  lastBatchAt(): number;
  stop(): Promise<void>;
}

export type PipelineOptions = Omit<LocalRuntimeOptions, 'dataDir' | 'ports'>;

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * Starts a stage (dev by default) on free ports in a new temporary data directory, removed again by `stop`,
 * and on any exit of this process (see createEphemeralDir).
 */
export const startPipeline = async (dataDirPrefix: string, options: PipelineOptions = {}): Promise<LocalPipeline> => {
  const dataDir = createEphemeralDir(dataDirPrefix);
  let pipeline: LocalPipeline;
  try {
    pipeline = await startPipelineIn(dataDir.path, options);
  } catch (error) {
    dataDir.remove();
    throw error;
  }
  return {
    ...pipeline,
    stop: async () => {
      try {
        await pipeline.stop();
      } finally {
        dataDir.remove();
      }
    },
  };
};

/** Starts a stage (dev by default) on free ports on the data in `dataDir`, which `stop` leaves in place (to restart on it). */
export const startPipelineIn = async (dataDir: string, options: PipelineOptions = {}): Promise<LocalPipeline> => {
  const runtime = await startLocalRuntime({
    ...options,
    dataDir,
    ports: { http: 0, https: 0, dynamodb: 0, sqs: 0 },
  });
  const batches: BatchSummary[] = [];
  let lastBatchAt = Date.now();
  runtime.events.on('batch', (batch) => {
    batches.push(batch);
    lastBatchAt = Date.now();
  });
  const sqs = new SQSClient({ region: 'us-east-1', credentials, endpoint: runtime.outputs.SqsEndpoint, useQueueUrlAsEndpoint: false });
  const documents = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'us-east-1', credentials, endpoint: runtime.outputs.DynamoDbEndpoint }),
  );
  return {
    runtime,
    dataDir,
    sqs,
    documents,
    batches,
    lastBatchAt: () => lastBatchAt,
    stop: async () => {
      sqs.destroy();
      documents.destroy();
      await runtime.stop();
    },
  };
};
