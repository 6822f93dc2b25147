import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { orderKey } from '@orders-pipeline/shared';
import {
  type BatchSummary,
  type EphemeralDir,
  type LocalPipeline,
  type LocalRuntime,
  type PipelineOptions,
  createEphemeralDir,
  startPipelineIn,
} from '../../local-runtime';
import { cachedSynthesis } from './synth-cache';

/** A local runtime on free ports and a temporary data dir, with SDK clients and a record of batches. */
export class RuntimeHarness {
  private pipeline?: LocalPipeline;

  private readonly data: EphemeralDir;

  constructor(
    private readonly overrides: PipelineOptions = {},
    data?: EphemeralDir,
  ) {
    this.data = data ?? createEphemeralDir('orders-local-');
  }

  get dataDir(): string {
    return this.data.path;
  }

  /** A harness on the same data (to restart on it), with other overrides. */
  onSameData(overrides: PipelineOptions = {}): RuntimeHarness {
    return new RuntimeHarness(overrides, this.data);
  }

  async start(): Promise<this> {
    const stage = this.overrides.stage ?? 'dev';
    // Another CDK app (`app`) is synthesized by its own command; the project's stages come from the run's cache.
    const synthesize = this.overrides.app === undefined ? cachedSynthesis(stage) : undefined;
    this.pipeline = await startPipelineIn(this.dataDir, { synthesize, ...this.overrides });
    return this;
  }

  async stop(): Promise<void> {
    await this.pipeline?.stop();
  }

  private get started(): LocalPipeline {
    if (!this.pipeline) throw new Error('RuntimeHarness: call start() first');
    return this.pipeline;
  }

  get runtime(): LocalRuntime {
    return this.started.runtime;
  }

  get documents(): DynamoDBDocumentClient {
    return this.started.documents;
  }

  get sqs(): SQSClient {
    return this.started.sqs;
  }

  get batches(): readonly BatchSummary[] {
    return this.started.batches;
  }

  removeData(): void {
    this.data.remove();
  }

  get outputs() {
    return this.runtime.outputs;
  }

  postOrder(body: unknown): Promise<Response> {
    return fetch(`${this.runtime.apiUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  async storedOrder(orderId: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.outputs.OrdersTableName, Key: orderKey(orderId), ConsistentRead: true }),
    );
    return Item;
  }

  batchesWith(messageId: string): BatchSummary[] {
    return this.batches.filter((batch) => batch.messageIds.includes(messageId));
  }
}

/** Polls until `probe` returns a truthy value; fails with `what` after `timeoutMs`. */
export const eventually = async <T>(what: string, probe: () => Promise<T> | T, timeoutMs = 20_000): Promise<NonNullable<T>> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/** A harness for the enclosing describe block: started before its tests, stopped and its data removed after them. */
export const runtimeForSuite = (overrides: PipelineOptions = {}): RuntimeHarness => {
  const harness = new RuntimeHarness(overrides);
  beforeAll(() => harness.start(), 60_000);
  afterAll(async () => {
    await harness.stop();
    harness.removeData();
  }, 30_000);
  return harness;
};
