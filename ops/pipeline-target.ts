import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { stackNameFor } from '../infra/config/stack-name';
import { OpsError } from './cli-kit/ops-error';

/** One deployed (or local) pipeline's queues, and a client that reaches them. */
export interface PipelineTarget {
  /** "local" or the stage name, for messages. */
  readonly label: string;
  readonly local: boolean;
  /** Moves out of the DLQ ask for confirmation first. */
  readonly production: boolean;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly sqs: SQSClient;
}

const requireOutput = (outputs: Record<string, string | undefined>, name: string, where: string): string => {
  const value = outputs[name];
  if (!value)
    throw new OpsError(`${where} has no output "${name}". Redeploy the stack (or restart npm start) with this version of orders-pipeline.`);
  return value;
};

/** The pipeline `npm start` runs, from the outputs file it writes. */
export const localTarget = (outputsFile: string): PipelineTarget => {
  if (!existsSync(outputsFile)) {
    throw new OpsError(`${outputsFile} does not exist: start the local pipeline with "npm start" first (it writes that file).`);
  }
  if (statSync(outputsFile).isDirectory()) {
    throw new OpsError(
      `${outputsFile} is a directory: --outputs takes the outputs file "npm start" writes, e.g. --outputs ${path.join(outputsFile, 'outputs.json')} (npm start --data-dir <dir> writes <dir>/outputs.json).`,
    );
  }
  let byStack: Record<string, Record<string, string>>;
  try {
    byStack = JSON.parse(readFileSync(outputsFile, 'utf8')) as Record<string, Record<string, string>>;
  } catch (error) {
    throw new OpsError(
      `${outputsFile} is not the JSON "npm start" writes (${(error as Error).message}): point --outputs at that file, or restart npm start to rewrite it.`,
    );
  }
  const [stackName, outputs] = Object.entries(byStack)[0] ?? [];
  if (!outputs) throw new OpsError(`${outputsFile} lists no stack: restart "npm start" to rewrite it.`);
  const where = `${outputsFile} (${stackName})`;
  return {
    label: 'local',
    local: true,
    production: false,
    queueUrl: requireOutput(outputs, 'QueueUrl', where),
    deadLetterQueueUrl: requireOutput(outputs, 'DeadLetterQueueUrl', where),
    sqs: new SQSClient({
      region: 'us-east-1',
      endpoint: requireOutput(outputs, 'SqsEndpoint', where),
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      useQueueUrlAsEndpoint: false,
      maxAttempts: 1,
    }),
  };
};

/** A deployed stage's CloudFormation stack outputs, with errors that say how to get them. */
export const readStackOutputs = async (
  stage: string,
  cloudFormation: CloudFormationClient,
): Promise<{ readonly stackName: string; require(name: string): string }> => {
  const stackName = stackNameFor(stage);
  let outputs: Record<string, string | undefined>;
  try {
    const { Stacks = [] } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = Object.fromEntries((Stacks[0]?.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue]));
  } catch (error) {
    const region = await cloudFormation.config.region().catch(() => 'the configured region');
    if (error instanceof Error && /does not exist/.test(error.message)) {
      throw new OpsError(
        `No stack ${stackName} in ${region}. Deploy it with "npm run deploy -- -c stage=${stage}", or point AWS_REGION/AWS_PROFILE at the account and region that have it.`,
      );
    }
    if (error instanceof Error && /region is missing/i.test(error.message)) {
      throw new OpsError(
        `No AWS region to look for stack ${stackName} in: set AWS_REGION (or AWS_PROFILE to a profile that has a region), then retry.`,
      );
    }
    if (error instanceof Error && /credential/i.test(`${error.name} ${error.message}`)) {
      throw new OpsError(`No AWS credentials to read stack ${stackName}: set AWS_PROFILE (or run "aws sso login"), then retry.`);
    }
    if (
      error instanceof Error &&
      /ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|ECONNRESET/.test(`${(error as { code?: string }).code ?? ''} ${error.message}`)
    ) {
      throw new OpsError(
        `Cannot reach CloudFormation in ${region} to read stack ${stackName} (${error.message}): check the network, proxy (HTTPS_PROXY) and AWS_REGION, then retry.`,
      );
    }
    throw error;
  }
  return { stackName, require: (name) => requireOutput(outputs, name, `stack ${stackName}`) };
};

/** A deployed stage, from its CloudFormation stack outputs (credentials and region from the usual AWS settings). */
export const stageTarget = async (stage: string, cloudFormation = new CloudFormationClient({})): Promise<PipelineTarget> => {
  const outputs = await readStackOutputs(stage, cloudFormation);
  return {
    label: stage,
    local: false,
    production: stage === 'prod',
    queueUrl: outputs.require('QueueUrl'),
    deadLetterQueueUrl: outputs.require('DeadLetterQueueUrl'),
    sqs: new SQSClient({}),
  };
};

export const queueArnOf = async (sqs: SQSClient, queueUrl: string): Promise<string> => {
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  if (!Attributes.QueueArn) throw new OpsError(`SQS returned no ARN for ${queueUrl}.`);
  return Attributes.QueueArn;
};

/**
 * A queue's messages as SQS approximates them: visible (what a receive, a redrive or an inspection
 * can expect to see), delayed, and in flight (received, not yet deleted).
 */
export const queueDepth = async (sqs: SQSClient, queueUrl: string): Promise<{ visible: number; delayed: number; inFlight: number }> => {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
};
