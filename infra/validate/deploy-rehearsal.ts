import {
  type CloudFormationClient,
  CreateStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  type Stack,
  paginateListStackResources,
} from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { setTimeout as sleep } from 'node:timers/promises';
import { invokedFunctionId } from '../../local-runtime/function-reference';
import { getStageConfig } from '../config/stages';
import type { Check, CheckContext, CheckOutcome } from './check';
import { MotoClients } from './rehearsal/moto-clients';
import { type MotoServer, type MotoServerSource, MotoUnavailableError, motoServerPerRun } from './rehearsal/moto-server';
import { type PublishedAsset, assetBucketNames, packageAssets, publishAssets } from './rehearsal/publish-assets';
import { type DescribedStack, describeFinding, smokeFindings } from './rehearsal/smoke';
import { bootstrapTemplateFor, notCreatedByType, substituteForMoto } from './rehearsal/template';

/** What `cdk deploy` acknowledges on every deploy. */
const CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'] as const;
const BOOTSTRAP_STACK = 'CDKToolkit';
const POLL_MS = 200;

export class RehearsalError extends Error {
  override readonly name = 'RehearsalError';
}

export interface DeployRehearsalOptions {
  /** Where the moto server comes from: one per run by default; `sharedMotoServer()` for one per validate run. */
  readonly moto?: MotoServerSource;
  /** How long a stack may take to reach CREATE_COMPLETE. */
  readonly createTimeoutMs?: number;
}

type Resources = Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>;

const createStack = async (
  cloudFormation: CloudFormationClient,
  stackName: string,
  template: unknown,
  timeoutMs: number,
): Promise<Stack> => {
  await cloudFormation.send(
    new CreateStackCommand({ StackName: stackName, TemplateBody: JSON.stringify(template), Capabilities: [...CAPABILITIES] }),
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [stack] = (await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks ?? [];
    const status = stack?.StackStatus ?? 'missing';
    if (status === 'CREATE_COMPLETE' && stack) return stack;
    if (!status.endsWith('_IN_PROGRESS')) {
      const events = (await cloudFormation.send(new DescribeStackEventsCommand({ StackName: stackName }))).StackEvents ?? [];
      const reasons = events
        .filter((event) => event.ResourceStatus?.endsWith('_FAILED'))
        .map((event) => `${event.LogicalResourceId}: ${event.ResourceStatusReason}`);
      throw new RehearsalError(
        `${stackName} ended ${status}${stack?.StackStatusReason ? ` (${stack.StackStatusReason})` : ''}${reasons.length ? `: ${reasons.join('; ')}` : ''}`,
      );
    }
    if (Date.now() > deadline) throw new RehearsalError(`${stackName} still ${status} after ${timeoutMs / 1000} s`);
    await sleep(POLL_MS);
  }
};

const outputOf = (stack: Stack, key: string): string => {
  const value = stack.Outputs?.find((output) => output.OutputKey === key)?.OutputValue;
  if (!value) throw new RehearsalError(`the created stack has no output ${key}`);
  return value;
};

/** Reads back the resources the smoke checks cover, found through the stack's outputs and its one event source mapping. */
const describeCreated = async (
  clients: MotoClients,
  template: CheckContext['template'],
  stack: Stack,
  physicalIds: ReadonlyMap<string, string>,
  published: readonly PublishedAsset[],
): Promise<DescribedStack> => {
  const resources = template.Resources as Resources;
  const mappings = Object.entries(resources).filter(([, resource]) => resource.Type === 'AWS::Lambda::EventSourceMapping');
  if (mappings.length !== 1) throw new RehearsalError(`expected one event source mapping in the template, found ${mappings.length}`);
  const [mappingId, mapping] = mappings[0];
  const mappingUuid = physicalIds.get(mappingId);
  if (!mappingUuid) throw new RehearsalError(`moto did not create the event source mapping ${mappingId}`);
  // The mapping invokes the consumer's live alias: its settings and code are the function's.
  const consumerLogicalId = invokedFunctionId({ Resources: resources }, mapping.Properties?.FunctionName);
  const consumerTemplate = consumerLogicalId ? resources[consumerLogicalId]?.Properties : undefined;
  const consumerCode = consumerTemplate?.Code as { S3Key?: string } | undefined;

  const [queue, deadLetterQueue, table, esm] = await Promise.all([
    clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: outputOf(stack, 'QueueUrl'), AttributeNames: ['All'] })),
    clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: outputOf(stack, 'DeadLetterQueueUrl'), AttributeNames: ['QueueArn'] })),
    clients.dynamoDb.send(new DescribeTableCommand({ TableName: outputOf(stack, 'OrdersTableName') })),
    clients.eventSourceMapping(mappingUuid),
  ]);
  const functionName = esm.FunctionArn?.split(':function:')[1];
  if (!functionName) throw new RehearsalError(`event source mapping ${mappingUuid} names no function`);
  const consumer = await clients.functionConfiguration(functionName);
  const redrive = queue.Attributes?.RedrivePolicy ? JSON.parse(queue.Attributes.RedrivePolicy) : undefined;

  return {
    queue: {
      visibilityTimeoutSeconds: Number(queue.Attributes?.VisibilityTimeout),
      redrivePolicy: redrive && { deadLetterTargetArn: redrive.deadLetterTargetArn, maxReceiveCount: Number(redrive.maxReceiveCount) },
    },
    deadLetterQueueArn: deadLetterQueue.Attributes?.QueueArn ?? 'unknown',
    ordersTable: {
      keySchema: (table.Table?.KeySchema ?? []).map((key) => ({ AttributeName: String(key.AttributeName), KeyType: String(key.KeyType) })),
      billingMode: table.Table?.BillingModeSummary?.BillingMode,
    },
    consumer: {
      runtime: consumer.Runtime,
      memorySizeMb: consumer.MemorySize,
      timeoutSeconds: consumer.Timeout,
      architectures: consumer.Architectures,
      codeSizeBytes: consumer.CodeSize,
    },
    consumerTemplateArchitectures: consumerTemplate?.Architectures as string[] | undefined,
    consumerAssetBytes: published.find((asset) => asset.key === consumerCode?.S3Key)?.bytes,
    eventSourceMapping: {
      batchSize: esm.BatchSize,
      maximumBatchingWindowInSeconds: esm.MaximumBatchingWindowInSeconds,
      maximumConcurrency: esm.ScalingConfig?.MaximumConcurrency,
    },
  };
};

const shortType = (type: string) => type.replace(/^AWS::/, '');

const rehearse = async (context: CheckContext, server: MotoServer, timeoutMs: number): Promise<CheckOutcome> => {
  const config = getStageConfig(context.stage);
  const started = Date.now();
  const region = server.claimRegion();
  const clients = new MotoClients(server.endpoint, region);
  const packaging = new AbortController();
  try {
    context.log(`bootstrapping ${region} on moto ${server.version} while packaging the assets`);
    // Independent, and each takes seconds on a busy machine (moto loads its backends on first use; zipping starts Python).
    const [bootstrap, packaged] = await Promise.all([
      createStack(
        clients.cloudFormation,
        BOOTSTRAP_STACK,
        bootstrapTemplateFor(context.template, assetBucketNames(context.assemblyDir, context.stackName)),
        timeoutMs,
      ),
      packageAssets(context.assemblyDir, context.stackName, packaging.signal),
    ]);
    // arn:aws:cloudformation:<region>:<account>:stack/...: the account moto deploys into.
    const accountId = String(bootstrap.StackId?.split(':')[4]);
    const published = await publishAssets(packaged, clients, { accountId, region });
    context.log(`published ${published.length} assets; creating ${context.stackName}`);

    const { template, substitutions } = substituteForMoto(context.template);
    const stack = await createStack(clients.cloudFormation, context.stackName, template, timeoutMs);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);

    const physicalIds = new Map<string, string>();
    for await (const page of paginateListStackResources({ client: clients.cloudFormation }, { StackName: context.stackName })) {
      for (const resource of page.StackResourceSummaries ?? []) {
        if (resource.LogicalResourceId) physicalIds.set(resource.LogicalResourceId, resource.PhysicalResourceId ?? '');
      }
    }
    const notCreated = [...notCreatedByType(context.template, new Set(physicalIds.keys()))]
      .map(([type, count]) => (count > 1 ? `${shortType(type)} ×${count}` : shortType(type)))
      .join(', ');

    const findings = smokeFindings(config, await describeCreated(clients, context.template, stack, physicalIds, published));
    const differing = findings.filter((finding) => finding.status === 'differs');
    const templateOnly = findings.filter((finding) => finding.status === 'unmodelled');
    if (differing.length > 0) {
      return {
        status: 'fail',
        detail: `${differing.length} of ${findings.length} smoke checks differ from the ${context.stage} config: ${differing.map(describeFinding).join('; ')}`,
      };
    }
    const parts = [
      `stack created on moto ${server.version} in ${seconds} s (${region})`,
      `${findings.length - templateOnly.length} smoke checks passed`,
      ...(templateOnly.length
        ? [`checked in the template only, moto does not apply them: ${templateOnly.map((finding) => finding.name).join(', ')}`]
        : []),
      ...(substitutions.length
        ? [`substituted: ${substitutions.map((substitution) => `${substitution.path} (${substitution.replaced})`).join(', ')}`]
        : []),
      ...(notCreated ? [`not modelled by moto, not created: ${notCreated}`] : []),
    ];
    return { status: 'pass', detail: parts.join('; ') };
  } finally {
    packaging.abort();
    clients.destroy();
  }
};

/** The deploy rehearsal with its moto server from `options.moto` (see DeployRehearsalOptions). */
export const createDeployRehearsal = (options: DeployRehearsalOptions = {}): Check => {
  const source = options.moto ?? motoServerPerRun;
  const timeoutMs = options.createTimeoutMs ?? 60_000;
  return {
    name: 'deploy rehearsal',
    async run(context) {
      let server: MotoServer;
      try {
        server = await source.acquire(context.log);
      } catch (error) {
        if (error instanceof MotoUnavailableError) return { status: 'skip', detail: error.message };
        return { status: 'fail', detail: `moto server did not start: ${(error as Error).message}` };
      }
      try {
        return await rehearse(context, server, timeoutMs);
      } catch (error) {
        const motoError = await server.lastError();
        return { status: 'fail', detail: `${(error as Error).message.split('\n')[0]}${motoError ? ` (moto: ${motoError})` : ''}` };
      } finally {
        await source.release(server);
      }
    },
  };
};

/**
 * Creates the stage's stack from its synthesized template on moto (after a bootstrap stand-in and the assets
 * published as `cdk deploy` publishes them), then smoke-checks what was created against the stage config.
 * Starts and stops its own moto server per run.
 */
export const deployRehearsal: Check = createDeployRehearsal();
