import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CloudFormationClient, DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, GetQueryResultsCommand, StartQueryCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDbOrderReader } from '../../shared-layer/src/tooling';
import { OpsError } from '../cli-kit/ops-error';
import type { DeadLetterView } from '../dlq/dead-letter-view';
import { inspectDeadLetters } from '../dlq/inspect';
import { localTarget, readStackOutputs, stageTarget } from '../pipeline-target';
import { linesMentioning } from './trace-order';

/** What the journey is built from: the functions' log lines that mention the order, the table, the DLQ. */
export interface TraceSources {
  /** "local" or the stage name. */
  readonly where: string;
  /** What was searched for log lines, for the answer when nothing is found. */
  readonly searched: string;
  logLines(orderId: string): Promise<string[]>;
  storedOrder(orderId: string): Promise<{ acceptedAt: string } | undefined>;
  deadLetters(orderId: string): Promise<DeadLetterView[]>;
  close(): void;
}

// A DLQ beyond this is read only in part; the trace says so.
const DLQ_READ_LIMIT = 1_000;

const deadLettersOf = async (sqs: SQSClient, deadLetterQueueUrl: string, orderId: string): Promise<DeadLetterView[]> => {
  const { messages } = await inspectDeadLetters({ sqs, deadLetterQueueUrl, limit: DLQ_READ_LIMIT });
  return messages.filter((message) => message.orderId === orderId);
};

/** The pipeline `npm start` runs: its outputs file, its function logs beside it, its emulators. */
export const localSources = (outputsFile: string): TraceSources => {
  const target = localTarget(outputsFile);
  const outputs = Object.values(JSON.parse(readFileSync(outputsFile, 'utf8')) as Record<string, Record<string, string>>)[0];
  const logDir = path.join(path.dirname(outputsFile), 'logs');
  const dynamodb = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: outputs.DynamoDbEndpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const reader = new DynamoDbOrderReader(DynamoDBDocumentClient.from(dynamodb), outputs.OrdersTableName);
  return {
    where: 'the local pipeline',
    searched: `the function logs in ${path.relative(process.cwd(), logDir) || logDir}`,
    async logLines(orderId) {
      let files: string[];
      try {
        files = readdirSync(logDir).filter((file) => file.endsWith('.log'));
      } catch {
        throw new OpsError(
          `${logDir} does not exist: the trace reads the logs npm start writes there. Is --outputs the file npm start wrote?`,
        );
      }
      return linesMentioning(
        files.map((file) => path.join(logDir, file)),
        orderId,
      );
    },
    storedOrder: (orderId) => reader.find(orderId),
    deadLetters: (orderId) => deadLettersOf(target.sqs, target.deadLetterQueueUrl, orderId),
    close() {
      dynamodb.destroy();
      target.sqs.destroy();
    },
  };
};

/** The log groups of the API and the consumer, from the stack's resources (their names are CloudFormation's). */
const functionLogGroups = async (cloudFormation: CloudFormationClient, stackName: string): Promise<string[]> => {
  const { StackResources = [] } = await cloudFormation.send(new DescribeStackResourcesCommand({ StackName: stackName }));
  const groups = StackResources.filter(
    (resource) =>
      resource.ResourceType === 'AWS::Logs::LogGroup' && /^(ApiFunction|ConsumerFunction)Logs/.test(resource.LogicalResourceId ?? ''),
  ).flatMap((resource) => (resource.PhysicalResourceId ? [resource.PhysicalResourceId] : []));
  if (groups.length === 0)
    throw new OpsError(`Stack ${stackName} has no function log groups: redeploy it with this version of orders-pipeline.`);
  return groups;
};

const QUERY_POLL_MS = 1_000;
const QUERY_TIMEOUT_MS = 120_000;

/** A deployed stage: Logs Insights over the functions' log groups for the last `days` days, the table, the DLQ. */
export const stageSources = async (
  stage: string,
  days: number,
  clients: { cloudFormation?: CloudFormationClient; logs?: CloudWatchLogsClient; dynamodb?: DynamoDBClient; sqs?: SQSClient } = {},
): Promise<TraceSources> => {
  const cloudFormation = clients.cloudFormation ?? new CloudFormationClient({});
  const outputs = await readStackOutputs(stage, cloudFormation);
  const target = await stageTarget(stage, cloudFormation);
  const sqs = clients.sqs ?? target.sqs;
  const logs = clients.logs ?? new CloudWatchLogsClient({});
  const dynamodb = clients.dynamodb ?? new DynamoDBClient({});
  const reader = new DynamoDbOrderReader(DynamoDBDocumentClient.from(dynamodb), outputs.require('OrdersTableName'));
  const logGroupNames = await functionLogGroups(cloudFormation, outputs.stackName);
  return {
    where: `stage ${stage}`,
    searched: `the API and consumer logs of the last ${days} day(s) (Logs Insights)`,
    async logLines(orderId) {
      const endTime = Math.floor(Date.now() / 1000);
      const { queryId } = await logs.send(
        new StartQueryCommand({
          logGroupNames,
          startTime: endTime - days * 86_400,
          endTime,
          // orderIds are letters, digits, "_" and "-" (checked before): safe inside the quotes.
          queryString: `fields @message | filter @message like "${orderId}" | sort @timestamp asc | limit 10000`,
        }),
      );
      const deadline = Date.now() + QUERY_TIMEOUT_MS;
      for (;;) {
        const result = await logs.send(new GetQueryResultsCommand({ queryId }));
        if (result.status === 'Complete') {
          return (result.results ?? []).flatMap((row) =>
            row.filter((field) => field.field === '@message').map((field) => field.value ?? ''),
          );
        }
        if (result.status !== 'Running' && result.status !== 'Scheduled') {
          throw new OpsError(`The Logs Insights query ended ${result.status}: retry, or run the saved lifecycle query in the console.`);
        }
        if (Date.now() > deadline) throw new OpsError('The Logs Insights query took over 2 minutes: narrow it with --days, or retry.');
        await sleep(QUERY_POLL_MS);
      }
    },
    storedOrder: (orderId) => reader.find(orderId),
    deadLetters: (orderId) => deadLettersOf(sqs, target.deadLetterQueueUrl, orderId),
    close() {
      for (const client of [cloudFormation, logs, dynamodb, sqs]) client.destroy();
    },
  };
};
