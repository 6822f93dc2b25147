import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import {
  GetEventSourceMappingCommand,
  InvokeCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import type { Order } from '@orders-pipeline/shared';
import { scanOrders, verificationProblems, verifyStoredOrders } from '../../load/lib/pipeline-checks';
import type { DashboardSnapshot } from '../../local-runtime/dashboard/dashboard-snapshot';
import { queueDepth } from '../../ops/pipeline-target';
import { sampleOrder } from '../support/fixtures';
import { eventually, runtimeForSuite } from '../support/local-runtime-harness';

const PROJECT_ROOT = path.join(__dirname, '..', '..');
const TS_NODE = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'ts-node');
const LOCAL_AWS_ENV = { ...process.env, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_DEFAULT_REGION: 'us-east-1' };

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const run = (file: string, args: readonly string[]): Promise<CliResult> =>
  promisify(execFile)(file, args, { cwd: PROJECT_ROOT, env: LOCAL_AWS_ENV }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );

/** `npm run consumer -- <args>` without a terminal. */
const consumer = (...args: string[]) => run(TS_NODE, ['--transpile-only', 'ops/consumer-cli.ts', ...args]);

const ordersWithPrefix = (prefix: string, count: number): Order[] =>
  Array.from({ length: count }, (_, index) => sampleOrder({ orderId: `${prefix}${String(index).padStart(3, '0')}` }));

describe('local Lambda API and npm run consumer', () => {
  const pipeline = runtimeForSuite();
  let lambda: LambdaClient;

  beforeAll(() => {
    lambda = new LambdaClient({
      region: 'us-east-1',
      endpoint: pipeline.runtime.lambdaEndpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });
  afterAll(() => lambda.destroy());

  const consumerMapping = async () => {
    const { EventSourceMappings = [] } = await lambda.send(new ListEventSourceMappingsCommand({}));
    expect(EventSourceMappings).toHaveLength(1);
    return EventSourceMappings[0];
  };
  const local = () => ['--local', '--outputs', pipeline.runtime.outputsFile];
  const receives = () => pipeline.runtime.requestCounts()['sqs:ReceiveMessage'] ?? 0;
  const postBatch = async (orders: readonly Order[]) => {
    const accepted = await fetch(`${pipeline.runtime.apiUrl}/orders/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orders }),
    });
    expect(accepted.status).toBe(202);
  };

  it('answers the AWS CLI: list-event-source-mappings shows the consumer mapping, update-event-source-mapping changes it', async () => {
    const endpoint = ['--endpoint-url', pipeline.runtime.lambdaEndpoint, '--region', 'us-east-1', '--output', 'json'];
    const listed = await run('aws', ['lambda', 'list-event-source-mappings', ...endpoint]);
    expect(listed.stderr).toBe('');
    const [mapping] = JSON.parse(listed.stdout).EventSourceMappings;
    expect(mapping).toMatchObject({
      State: 'Enabled',
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      ScalingConfig: { MaximumConcurrency: 2 },
      EventSourceArn: expect.stringMatching(/^arn:aws:sqs:us-east-1:\d{12}:OrdersPipeline-dev-OrderQueue/),
      FunctionArn: expect.stringMatching(/:function:OrdersPipeline-dev-ConsumerFunction[0-9A-F]{8}:live$/),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(mapping.UUID).toMatch(/^[0-9a-f-]{36}$/);

    const updated = await run('aws', ['lambda', 'update-event-source-mapping', '--uuid', mapping.UUID, '--batch-size', '50', ...endpoint]);
    expect(updated.stderr).toBe('');
    expect(JSON.parse(updated.stdout)).toMatchObject({ UUID: mapping.UUID, State: 'Updating', BatchSize: 50 });
    const refused = await run('aws', [
      'lambda',
      'update-event-source-mapping',
      '--uuid',
      mapping.UUID,
      '--batch-size',
      '20',
      '--maximum-batching-window-in-seconds',
      '0',
      ...endpoint,
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('(InvalidParameterValueException)');
    await eventually('the mapping Enabled again', async () => (await consumerMapping()).State === 'Enabled');
    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: mapping.UUID, BatchSize: 100 }));
    await eventually('the mapping Enabled again', async () => (await consumerMapping()).State === 'Enabled');
  }, 60_000);

  it('answers Invoke with the result, or the error flagged by X-Amz-Function-Error, and unknown resources with ResourceNotFoundException', async () => {
    const { FunctionArn = '' } = await consumerMapping();
    const failed = await lambda.send(new InvokeCommand({ FunctionName: FunctionArn, Payload: Buffer.from('{"Records":5}') }));
    expect(failed.StatusCode).toBe(200);
    expect(failed.FunctionError).toBe('Unhandled');
    expect(JSON.parse(Buffer.from(failed.Payload ?? []).toString())).toMatchObject({
      errorType: expect.any(String),
      errorMessage: expect.any(String),
    });

    const succeeded = await lambda.send(new InvokeCommand({ FunctionName: FunctionArn, Payload: Buffer.from('{"Records":[]}') }));
    expect(succeeded.FunctionError).toBeUndefined();
    expect(JSON.parse(Buffer.from(succeeded.Payload ?? []).toString())).toEqual({ batchItemFailures: [] });

    await expect(lambda.send(new GetEventSourceMappingCommand({ UUID: '00000000-0000-0000-0000-000000000000' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(lambda.send(new InvokeCommand({ FunctionName: 'no-such-function' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  }, 30_000);

  it('pause while orders arrive: polling stops within one poll, orders wait in the queue with no receives, and resume stores each exactly once', async () => {
    const prefix = 'pause-it-';
    const orders = ordersWithPrefix(prefix, 60);
    const batchesAtStart = pipeline.batches.length;
    await postBatch(orders.slice(0, 20));

    const paused = await consumer('pause', ...local());
    expect(paused).toMatchObject({ code: 0 });
    expect(paused.stdout).toContain('Consumer of local: Disabled');

    // Disabled: no receive in flight any more. Whatever arrives now stays in the queue.
    const receivesWhenPaused = receives();
    const batchesWhenPaused = pipeline.batches.length;
    await postBatch(orders.slice(20, 40));
    await postBatch(orders.slice(40));
    await eventually(
      'the queue to hold the orders posted while paused',
      async () => (await queueDepth(pipeline.sqs, pipeline.outputs.QueueUrl)).visible >= 40,
    );
    // Two poll intervals (1 s long polls) with nothing received.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(receives()).toBe(receivesWhenPaused);
    expect(pipeline.batches.length).toBe(batchesWhenPaused);
    await eventually('the dashboard to show the mapping paused', async () => {
      const snapshot = (await (await fetch(`${pipeline.runtime.dashboardUrl}/snapshot`)).json()) as DashboardSnapshot;
      const consumerPanel = snapshot.functions.find((panel) => panel.label === 'ConsumerFunction');
      return consumerPanel?.mappings[0]?.State === 'Disabled';
    });
    const status = await consumer('status', ...local(), '--json');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ mapping: { state: 'Disabled' }, queue: { inFlight: 0 } });
    expect(JSON.parse(status.stdout).queue.visible).toBeGreaterThanOrEqual(40);

    const resumed = await consumer('resume', ...local());
    expect(resumed).toMatchObject({ code: 0 });
    const thisTest = () => pipeline.batches.slice(batchesAtStart);
    const stored = (name: string) => thisTest().reduce((sum, batch) => sum + (batch.metrics[name] ?? 0), 0);
    await eventually('every order written by a reported batch', () => stored('ordersStored') >= orders.length, 60_000);
    expect(stored('ordersStored')).toBe(orders.length);
    expect(stored('duplicatesSkipped')).toBe(0);
    const accepted = new Map(orders.map((order) => [order.orderId, order]));
    const items = await scanOrders(pipeline.documents, pipeline.outputs.OrdersTableName, prefix);
    expect(verificationProblems(verifyStoredOrders(accepted, items))).toEqual([]);
    expect((await queueDepth(pipeline.sqs, pipeline.outputs.QueueUrl)).visible).toBe(0);
  }, 120_000);

  it('set --batch-size applies to the next batch', async () => {
    const set = await consumer('set', '--batch-size', '5', '--window', '1', ...local());
    expect(set).toMatchObject({ code: 0 });
    expect(set.stdout).toContain('Consumer of local: Enabled; batch size 5, window 1 s');
    const batchesBefore = pipeline.batches.length;
    const orders = ordersWithPrefix('set-it-', 20);
    await postBatch(orders);
    await eventually(
      '20 orders through batches',
      () => pipeline.batches.slice(batchesBefore).reduce((sum, batch) => sum + batch.succeeded, 0) >= orders.length,
      30_000,
    );
    const sizes = pipeline.batches.slice(batchesBefore).map((batch) => batch.records);
    expect(Math.max(...sizes)).toBe(5);
  }, 60_000);
});
