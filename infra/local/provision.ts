import { CreateTableCommand, type CreateTableCommandInput, type DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { type CfnTemplate, resourcesOfType } from './cloud-assembly';
import { LOCAL_ACCOUNT, LOCAL_REGION, type LocalResource, resolveIntrinsics } from './intrinsics';

export interface ProvisionOptions {
  readonly stackName: string;
  readonly template: CfnTemplate;
  readonly dynamodb: DynamoDBClient;
  readonly sqs: SQSClient;
  /** Replaces every queue's VisibilityTimeout (tests use a few seconds instead of minutes). */
  readonly visibilityTimeoutSeconds?: number;
  readonly log: (line: string) => void;
}

/** Local names follow CloudFormation's `<stack>-<logicalId>` style: stable across restarts, never hard-coded. */
const physicalName = (stackName: string, logicalId: string): string => `${stackName}-${logicalId}`;

const createTable = async (client: DynamoDBClient, input: CreateTableCommandInput): Promise<'created' | 'existing'> => {
  try {
    await client.send(new CreateTableCommand(input));
    return 'created';
  } catch (error) {
    if (error instanceof ResourceInUseException || (error as Error).name === 'ResourceInUseException') return 'existing';
    throw error;
  }
};

/**
 * Creates the template's DynamoDB tables and SQS queues on the emulators (idempotently, so persisted
 * data survives a restart) and returns what each logical id resolves to.
 */
export const provisionResources = async (options: ProvisionOptions): Promise<Map<string, LocalResource>> => {
  const { stackName, template, log } = options;
  const resources = new Map<string, LocalResource>();

  for (const [logicalId, table] of resourcesOfType(template, 'AWS::DynamoDB::Table')) {
    const props = table.Properties ?? {};
    const tableName = physicalName(stackName, logicalId);
    const outcome = await createTable(options.dynamodb, {
      TableName: tableName,
      KeySchema: props.KeySchema,
      AttributeDefinitions: props.AttributeDefinitions,
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: props.GlobalSecondaryIndexes,
    });
    const ttl = props.TimeToLiveSpecification?.AttributeName;
    log(`table ${tableName} ${outcome}${ttl ? ` (TTL on "${ttl}" is not enforced by dynalite)` : ''}`);
    resources.set(logicalId, {
      ref: tableName,
      attributes: { Arn: `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${tableName}` },
    });
  }

  // Dead-letter queues first: a source queue's RedrivePolicy needs their ARNs.
  const queues = resourcesOfType(template, 'AWS::SQS::Queue').sort(
    ([, a], [, b]) => Number(Boolean(a.Properties?.RedrivePolicy)) - Number(Boolean(b.Properties?.RedrivePolicy)),
  );
  for (const [logicalId, queue] of queues) {
    const props = queue.Properties ?? {};
    const queueName = physicalName(stackName, logicalId);
    const attributes: Record<string, string> = {};
    const visibility = options.visibilityTimeoutSeconds ?? props.VisibilityTimeout;
    if (visibility !== undefined) attributes.VisibilityTimeout = String(visibility);
    if (props.MessageRetentionPeriod !== undefined) attributes.MessageRetentionPeriod = String(props.MessageRetentionPeriod);
    if (props.ReceiveMessageWaitTimeSeconds !== undefined) {
      attributes.ReceiveMessageWaitTimeSeconds = String(props.ReceiveMessageWaitTimeSeconds);
    }
    if (props.RedrivePolicy) {
      attributes.RedrivePolicy = JSON.stringify(resolveIntrinsics(props.RedrivePolicy, resources));
    }
    // CreateQueue on an existing queue ignores changed attributes: set them explicitly every start.
    const { QueueUrl } = await options.sqs.send(new CreateQueueCommand({ QueueName: queueName }));
    if (!QueueUrl) throw new Error(`CreateQueue returned no URL for ${queueName}`);
    if (Object.keys(attributes).length > 0) {
      await options.sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: attributes }));
    }
    const { Attributes } = await options.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    log(`queue ${queueName} ready (visibility timeout ${attributes.VisibilityTimeout ?? 30} s)`);
    resources.set(logicalId, {
      ref: QueueUrl,
      attributes: {
        Arn: Attributes?.QueueArn ?? '',
        QueueName: queueName,
        QueueUrl,
        VisibilityTimeout: attributes.VisibilityTimeout ?? '30',
      },
    });
  }
  return resources;
};
