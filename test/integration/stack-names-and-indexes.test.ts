import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { GetQueueAttributesCommand, GetQueueUrlCommand, ListQueuesCommand } from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, BillingMode, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { synthesizeStack } from '../../local-runtime/cloud-assembly';
import { createEphemeralDir, type EphemeralDir } from '../../local-runtime/ephemeral-dir';
import { type LocalPipeline, startPipeline } from '../../local-runtime/pipeline';

/** Writes two items, then reads them back by the GSI and by the LSI: what a reporting function added to a stack does. */
const REPORT_HANDLER = `
const { DynamoDBClient, PutItemCommand, QueryCommand } = require('@aws-sdk/client-dynamodb');
const client = new DynamoDBClient({});
exports.handler = async (event, context) => {
  const TableName = process.env.TABLE_NAME;
  for (const [sk, createdAt] of [['order#1', '2026-12-01'], ['order#2', '2026-12-02']]) {
    await client.send(new PutItemCommand({ TableName, Item: { pk: { S: 'shop' }, sk: { S: sk }, customerId: { S: 'c-7' }, createdAt: { S: createdAt } } }));
  }
  const byCustomer = await client.send(new QueryCommand({
    TableName, IndexName: 'byCustomer', KeyConditionExpression: 'customerId = :c', ExpressionAttributeValues: { ':c': { S: 'c-7' } },
  }));
  const byCreated = await client.send(new QueryCommand({
    TableName, IndexName: 'byCreated', KeyConditionExpression: 'pk = :p AND createdAt >= :d',
    ExpressionAttributeValues: { ':p': { S: 'shop' }, ':d': { S: '2026-12-02' } },
  }));
  return {
    statusCode: 200,
    body: JSON.stringify({
      tableName: TableName,
      functionName: context.functionName,
      functionArn: context.invokedFunctionArn,
      environmentName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      byCustomer: byCustomer.Items.map((item) => item.sk.S).sort(),
      byCreated: byCreated.Items.map((item) => item.sk.S),
    }),
  };
};`;

const TABLE_NAME = 'reports-local-test';
const QUEUE_NAME = 'reports-local-queue';
const FUNCTION_NAME = 'reports-query';

/** A table with a physical name, a GSI, an LSI and a stream; a queue and a function with physical names; one route. */
const synthesizeReportsStack = (codeDir: string) => (outdir: string) => {
  const app = new App({ outdir });
  const stack = new Stack(app, 'ReportsStack', { env: { account: '000000000000', region: 'us-east-1' } });
  const table = new Table(stack, 'ReportsTable', {
    tableName: TABLE_NAME,
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    sortKey: { name: 'sk', type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    stream: StreamViewType.NEW_IMAGE,
  });
  table.addGlobalSecondaryIndex({ indexName: 'byCustomer', partitionKey: { name: 'customerId', type: AttributeType.STRING } });
  table.addLocalSecondaryIndex({ indexName: 'byCreated', sortKey: { name: 'createdAt', type: AttributeType.STRING } });
  new Queue(stack, 'ReportsQueue', { queueName: QUEUE_NAME });
  new Queue(stack, 'TasksQueue', { fifo: true, contentBasedDeduplication: true });
  const report = new LambdaFunction(stack, 'ReportFunction', {
    functionName: FUNCTION_NAME,
    runtime: Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: Code.fromAsset(codeDir),
    timeout: Duration.seconds(10),
    environment: { TABLE_NAME: table.tableName },
  });
  new HttpApi(stack, 'ReportsApi').addRoutes({
    path: '/report',
    methods: [HttpMethod.GET],
    integration: new HttpLambdaIntegration('ReportIntegration', report),
  });
  return synthesizeStack(app, stack);
};

describe('the local runtime with names and indexes of the template', () => {
  let code: EphemeralDir;
  let pipeline: LocalPipeline;
  const startLines: string[] = [];

  beforeAll(async () => {
    code = createEphemeralDir('orders-reports-code-');
    mkdirSync(code.path, { recursive: true });
    writeFileSync(path.join(code.path, 'index.js'), REPORT_HANDLER);
    pipeline = await startPipeline('orders-reports-', {
      synthesize: synthesizeReportsStack(code.path),
      // The table's stream does not run locally: accepted, and said at start.
      acceptDifferences: true,
      log: (line) => startLines.push(line),
    });
  }, 120_000);

  afterAll(async () => {
    await pipeline?.stop();
    code?.remove();
  }, 60_000);

  it("creates the table and the queue under the template's TableName and QueueName", async () => {
    const { QueueUrl } = await pipeline.sqs.send(new GetQueueUrlCommand({ QueueName: QUEUE_NAME }));

    expect(QueueUrl).toMatch(new RegExp(`/${QUEUE_NAME}$`));
    expect(startLines).toContain(`table ${TABLE_NAME} created`);
  });

  it('creates a FIFO queue as FIFO, under the generated name ending in .fifo', async () => {
    const { QueueUrls = [] } = await pipeline.sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'ReportsStack-TasksQueue' }));
    const { Attributes } = await pipeline.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: QueueUrls[0], AttributeNames: ['FifoQueue', 'ContentBasedDeduplication'] }),
    );

    expect(QueueUrls).toEqual([expect.stringMatching(/\/ReportsStack-TasksQueue[0-9A-F]{8}\.fifo$/)]);
    expect(Attributes).toEqual({ FifoQueue: 'true', ContentBasedDeduplication: 'true' });
  });

  it('answers Queries on the GSI and the LSI made by a function of the stack, and on the LSI from outside', async () => {
    const response = await fetch(`${pipeline.runtime.apiUrl}/report`);
    const body = await response.json();
    const fromOutside = await pipeline.documents.send(
      new QueryCommand({
        TableName: TABLE_NAME,
        IndexName: 'byCreated',
        KeyConditionExpression: 'pk = :p AND createdAt < :d',
        ExpressionAttributeValues: { ':p': 'shop', ':d': '2026-12-02' },
      }),
    );

    expect(response.status).toBe(200);
    expect(body).toMatchObject({ tableName: TABLE_NAME, byCustomer: ['order#1', 'order#2'], byCreated: ['order#2'] });
    expect(fromOutside.Items?.map((item) => item.sk)).toEqual(['order#1']);
  });

  it("runs the function under its FunctionName: context, ARN and Lambda's environment variable", async () => {
    const body = await (await fetch(`${pipeline.runtime.apiUrl}/report`)).json();

    expect(body).toMatchObject({
      functionName: FUNCTION_NAME,
      functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${FUNCTION_NAME}`,
      environmentName: FUNCTION_NAME,
    });
  });

  it('names the stream it does not run at start, one line, and nothing else as differing', () => {
    expect(startLines.filter((line) => line.startsWith('DIFFERS'))).toEqual([
      expect.stringMatching(/^DIFFERS {2}AWS::DynamoDB::Table ReportsTable[0-9A-F]{8}: its stream \(NEW_IMAGE\) does not run/),
    ]);
  });
});
