import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { DashboardSnapshot } from '../../local-runtime/dashboard/dashboard-snapshot';
import { OpsError } from '../cli-kit';
import { type PipelineTarget, localTarget, readLocalOutputs, requireOutput, stageTarget } from '../pipeline-target';
import type { Where } from '../where-options';

/** A pipeline's consumer: its queues, a Lambda client for its event source mapping, and the age of a queue's oldest message. */
export interface ConsumerTarget {
  readonly pipeline: PipelineTarget;
  readonly lambda: LambdaClient;
  /** The local Lambda API, for messages; undefined on AWS. */
  readonly lambdaEndpoint?: string;
  /** Seconds the oldest message in the queue has waited (SQS's ApproximateAgeOfOldestMessage); undefined when there is no figure. */
  ageOfOldestMessageSeconds(queueUrl: string): Promise<number | undefined>;
}

const queueNameOf = (queueUrl: string): string => queueUrl.split('/').pop() ?? queueUrl;

/** The pipeline `npm start` runs: its Lambda API, and the age its live dashboard shows (no SQS API returns it). */
const localConsumer = (outputsFile: string): ConsumerTarget => {
  const pipeline = localTarget(outputsFile);
  const { where, outputs } = readLocalOutputs(outputsFile);
  const lambdaEndpoint = requireOutput(outputs, 'LambdaEndpoint', where);
  const dashboardUrl = requireOutput(outputs, 'LocalDashboardUrl', where);
  return {
    pipeline,
    lambdaEndpoint,
    lambda: new LambdaClient({
      region: 'us-east-1',
      endpoint: lambdaEndpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    }),
    ageOfOldestMessageSeconds: async (queueUrl) => {
      const response = await fetch(`${dashboardUrl}/snapshot`, { signal: AbortSignal.timeout(5_000) });
      if (!response.ok) throw new OpsError(`The local dashboard (${dashboardUrl}) answered ${response.status}: restart npm start.`);
      const snapshot = (await response.json()) as DashboardSnapshot;
      // Local queues are named <stack>-<logical id>.
      const queue = snapshot.queues.find((panel) => queueNameOf(queueUrl).endsWith(`-${panel.logicalId}`));
      return queue?.ageOfOldestSeconds ?? undefined;
    },
  };
};

// SQS publishes its metrics to CloudWatch once a minute; the last quarter hour always holds the latest one.
const AGE_LOOKBACK_MS = 15 * 60_000;

/** A deployed stage: Lambda and CloudWatch with the usual AWS credentials and region. */
const stageConsumer = async (stage: string): Promise<ConsumerTarget> => {
  const pipeline = await stageTarget(stage);
  const cloudWatch = new CloudWatchClient({});
  return {
    pipeline,
    lambda: new LambdaClient({}),
    ageOfOldestMessageSeconds: async (queueUrl) => {
      const now = Date.now();
      const { MetricDataResults = [] } = await cloudWatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(now - AGE_LOOKBACK_MS),
          EndTime: new Date(now),
          ScanBy: 'TimestampDescending',
          MetricDataQueries: [
            {
              Id: 'age',
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/SQS',
                  MetricName: 'ApproximateAgeOfOldestMessage',
                  Dimensions: [{ Name: 'QueueName', Value: queueNameOf(queueUrl) }],
                },
                Period: 60,
                Stat: 'Maximum',
              },
            },
          ],
        }),
      );
      return MetricDataResults[0]?.Values?.[0];
    },
  };
};

export const consumerTarget = (where: Where): Promise<ConsumerTarget> =>
  where.local ? Promise.resolve(localConsumer(where.outputs)) : stageConsumer(where.stage ?? '');
