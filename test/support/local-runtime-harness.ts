import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { orderKey } from '@orders-pipeline/shared';
import { LocalRuntime, LocalRuntimeOptions, startLocalRuntime } from '../../infra/local/local-runtime';
import { BatchSummary } from '../../infra/local/sqs-event-source';

export const FREE_PORTS = { http: 0, https: 0, dynamodb: 0, sqs: 0 } as const;

/** A local runtime on free ports and a temporary data dir, with SDK clients and a record of batches. */
export class RuntimeHarness {
  readonly batches: BatchSummary[] = [];
  runtime!: LocalRuntime;
  documents!: DynamoDBDocumentClient;
  sqs!: SQSClient;

  constructor(
    private readonly overrides: Partial<LocalRuntimeOptions> = {},
    readonly dataDir = mkdtempSync(path.join(tmpdir(), 'orders-local-')),
  ) {}

  async start(): Promise<this> {
    this.runtime = await startLocalRuntime({ stage: 'dev', dataDir: this.dataDir, ports: FREE_PORTS, ...this.overrides });
    this.runtime.events.on('batch', (batch) => this.batches.push(batch));
    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    this.documents = DynamoDBDocumentClient.from(
      new DynamoDBClient({ region: 'us-east-1', credentials, endpoint: this.runtime.outputs.DynamoDbEndpoint }),
    );
    this.sqs = new SQSClient({ region: 'us-east-1', credentials, endpoint: this.runtime.outputs.SqsEndpoint });
    return this;
  }

  async stop(): Promise<void> {
    this.documents?.destroy();
    this.sqs?.destroy();
    await this.runtime?.stop();
  }

  removeData(): void {
    rmSync(this.dataDir, { recursive: true, force: true });
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
