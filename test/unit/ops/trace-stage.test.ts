import { CloudFormationClient, DescribeStackResourcesCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, GetQueryResultsCommand, StartQueryCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { toOrderItem } from '@orders-pipeline/shared';
import { traceOrder } from '../../../ops/trace/trace-order';
import { stageSources } from '../../../ops/trace/sources';
import { orderMessage } from '../../support/fixtures';

const cloudFormation = mockClient(CloudFormationClient);
const logs = mockClient(CloudWatchLogsClient);
const dynamodb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);

const line = (fields: Record<string, unknown>) => JSON.stringify({ timestamp: '2026-11-30T10:00:00.000Z', ...fields });

describe('npm run trace --stage (mocked AWS)', () => {
  beforeEach(() => {
    for (const client of [cloudFormation, logs, dynamodb, sqs]) client.reset();
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'OrdersPipeline-staging',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [
            { OutputKey: 'QueueUrl', OutputValue: 'https://sqs.eu-west-1.amazonaws.com/1/q' },
            { OutputKey: 'DeadLetterQueueUrl', OutputValue: 'https://sqs.eu-west-1.amazonaws.com/1/dlq' },
            { OutputKey: 'OrdersTableName', OutputValue: 'orders-staging' },
          ],
        },
      ],
    });
    cloudFormation.on(DescribeStackResourcesCommand).resolves({
      StackResources: [
        {
          LogicalResourceId: 'ApiFunctionLogs0D7A2434',
          PhysicalResourceId: 'api-logs',
          ResourceType: 'AWS::Logs::LogGroup',
          ResourceStatus: 'CREATE_COMPLETE',
          Timestamp: new Date(),
        },
        {
          LogicalResourceId: 'ConsumerFunctionLogsAC3C2CB2',
          PhysicalResourceId: 'consumer-logs',
          ResourceType: 'AWS::Logs::LogGroup',
          ResourceStatus: 'CREATE_COMPLETE',
          Timestamp: new Date(),
        },
        {
          LogicalResourceId: 'HttpApiAccessLogs4B419BF6',
          PhysicalResourceId: 'access-logs',
          ResourceType: 'AWS::Logs::LogGroup',
          ResourceStatus: 'CREATE_COMPLETE',
          Timestamp: new Date(),
        },
      ],
    });
    sqs.on(ReceiveMessageCommand).resolves({});
  });

  it("queries the API's and the consumer's log groups for the order and builds the journey with the table's answer", async () => {
    logs.on(StartQueryCommand).resolves({ queryId: 'q-1' });
    logs
      .on(GetQueryResultsCommand)
      .resolvesOnce({ status: 'Running' })
      .resolves({
        status: 'Complete',
        results: [
          [
            {
              field: '@message',
              value: line({ message: 'order accepted', orderId: 'ord-9', correlationId: 'c-1', function_request_id: 'r-1' }),
            },
          ],
          [
            {
              field: '@message',
              value: line({
                message: 'batch processed',
                function_request_id: 'r-2',
                // The consumer leaves receiveCount out on a first delivery.
                orders: [{ orderId: 'ord-9', messageId: 'm-1', outcome: 'written', correlationId: 'c-1' }],
              }),
            },
          ],
        ],
      });
    dynamodb.on(GetCommand).resolves({ Item: toOrderItem(orderMessage('ord-9')) });

    const sources = await stageSources('staging', 3, {
      cloudFormation: new CloudFormationClient({}),
      logs: new CloudWatchLogsClient({}),
      dynamodb: new DynamoDBClient({}),
      sqs: new SQSClient({}),
    });
    const journey = await traceOrder('ord-9', sources);

    const query = logs.commandCalls(StartQueryCommand)[0].args[0].input;
    expect(query.logGroupNames).toEqual(['api-logs', 'consumer-logs']);
    expect(query.queryString).toContain('filter @message like "ord-9"');
    expect((query.endTime ?? 0) - (query.startTime ?? 0)).toBe(3 * 86_400);
    expect(journey.status).toBe('STORED');
    expect(journey.steps.map((step) => step.step)).toEqual(['accepted', 'received']);
    expect(journey.steps[1].detail).toContain('message m-1, delivery 1, invocation r-2: stored by this delivery');
  });

  it('says what to do when the query fails', async () => {
    logs.on(StartQueryCommand).resolves({ queryId: 'q-2' });
    logs.on(GetQueryResultsCommand).resolves({ status: 'Failed' });
    dynamodb.on(GetCommand).resolves({});

    const sources = await stageSources('staging', 7, {
      cloudFormation: new CloudFormationClient({}),
      logs: new CloudWatchLogsClient({}),
      dynamodb: new DynamoDBClient({}),
      sqs: new SQSClient({}),
    });

    await expect(traceOrder('ord-9', sources)).rejects.toThrow(/query ended Failed: retry/);
  });
});
