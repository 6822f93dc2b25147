import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  ResourceInUseException,
  type SSESpecification,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { type CfnResource, type CfnTemplate, resourcesOfType } from './cloud-assembly';
import { encryptionDescription } from './emulators/dynamodb-encryption';
import { LOCAL_ACCOUNT, LOCAL_REGION, type LocalResource, UnresolvableReferenceError, resolveIntrinsics } from './intrinsics';

export interface ProvisionOptions {
  readonly stackName: string;
  readonly template: CfnTemplate;
  readonly dynamodb: DynamoDBClient;
  readonly sqs: SQSClient;
  /**
   * The endpoint the queue URLs handed out (Ref, QueueUrl, so env vars and outputs) point at: the counting proxy.
   * The AWS SDK sends SQS calls to the QueueUrl's host, so a URL on the emulator itself would bypass the count.
   */
  readonly queueUrlEndpoint: string;
  /** Replaces every queue's VisibilityTimeout (tests use a few seconds instead of minutes). */
  readonly visibilityTimeoutSeconds?: number;
  readonly log: (line: string) => void;
}

/**
 * A resource's name: the one the template sets (TableName, QueueName, FunctionName; a literal or an intrinsic such as
 * `${AWS::StackName}-orders`), else CloudFormation's `<stack>-<logicalId>` style without its random suffix, which is
 * stable across restarts. `suffix` ends a generated name (".fifo" for a FIFO queue, as CloudFormation does).
 */
export const physicalNameOf = (
  templateName: unknown,
  stackName: string,
  logicalId: string,
  resources: ReadonlyMap<string, LocalResource>,
  suffix = '',
): string => {
  if (templateName === undefined) return `${stackName}-${logicalId}${suffix}`;
  const withStackName = new Map([...resources, ['AWS::StackName', { ref: stackName, attributes: {} }]]);
  return String(resolveIntrinsics(templateName, withStackName));
};

type Index = { IndexName: string; KeySchema: unknown; Projection: unknown };

/** The parts of CloudFormation's index definitions CreateTable takes for an on-demand table (no throughput settings). */
const indexes = (definitions: Index[] | undefined) =>
  definitions?.map(({ IndexName, KeySchema, Projection }) => ({ IndexName, KeySchema, Projection })) as
    | CreateTableCommandInput['GlobalSecondaryIndexes']
    | undefined;

/**
 * An existing table whose indexes are not the template's (made by an earlier run): said, not changed, because
 * CloudFormation could not change them in place either (LSIs at all, GSIs one per update).
 */
const indexMismatch = async (client: DynamoDBClient, tableName: string, props: TableProperties): Promise<string | undefined> => {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const names = (list: { IndexName?: string }[] | undefined) =>
    (list ?? [])
      .map(({ IndexName }) => IndexName)
      .sort()
      .join(', ');
  const [gsis, lsis] = [names(props.GlobalSecondaryIndexes), names(props.LocalSecondaryIndexes)];
  const [hasGsis, hasLsis] = [names(Table?.GlobalSecondaryIndexes), names(Table?.LocalSecondaryIndexes)];
  if (gsis === hasGsis && lsis === hasLsis) return undefined;
  return (
    `its indexes (global: ${hasGsis || 'none'}; local: ${hasLsis || 'none'}) are not the template's (global: ${gsis || 'none'}; ` +
    `local: ${lsis || 'none'}); delete the table or the data dir and start again to have them`
  );
};

const createTable = async (client: DynamoDBClient, input: CreateTableCommandInput): Promise<'created' | 'existing'> => {
  try {
    await client.send(new CreateTableCommand(input));
    return 'created';
  } catch (error) {
    if (error instanceof ResourceInUseException || (error as Error).name === 'ResourceInUseException') return 'existing';
    throw error;
  }
};

type TableProperties = NonNullable<CfnResource['Properties']>;

/**
 * CloudFormation's SSESpecification (`SSEEnabled`) in the API's shape (`Enabled`). A key the template creates
 * itself has no local equivalent: an alias named after its logical id stands for it.
 */
const sseSpecification = (props: TableProperties, resources: ReadonlyMap<string, LocalResource>): SSESpecification | undefined => {
  const specification = props.SSESpecification;
  if (!specification) return undefined;
  let keyId: string | undefined;
  if (specification.KMSMasterKeyId !== undefined) {
    try {
      keyId = String(resolveIntrinsics(specification.KMSMasterKeyId, resources));
    } catch (error) {
      if (!(error instanceof UnresolvableReferenceError)) throw error;
      const reference = specification.KMSMasterKeyId.Ref ?? specification.KMSMasterKeyId['Fn::GetAtt']?.[0] ?? 'key';
      keyId = `alias/${reference}`;
    }
  }
  return { Enabled: specification.SSEEnabled, SSEType: specification.SSEType, KMSMasterKeyId: keyId };
};

/**
 * Brings an existing table's encryption and deletion protection to the template's, one UpdateTable each (AWS
 * accepts either only alone): a table made by an older runtime, or a stack change in watch mode.
 */
const updateTableSettings = async (
  client: DynamoDBClient,
  tableName: string,
  sse: SSESpecification | undefined,
  deletionProtection: boolean,
): Promise<string[]> => {
  const changed: string[] = [];
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const [, , , region = LOCAL_REGION, account = LOCAL_ACCOUNT] = (Table?.TableArn ?? '').split(':');
  const wanted = encryptionDescription(sse, { account, region });
  if (wanted.error !== undefined || wanted.description?.KMSMasterKeyArn !== Table?.SSEDescription?.KMSMasterKeyArn) {
    // An invalid specification is sent as it is: the emulator refuses it with AWS's message.
    const specification = wanted.description || wanted.error ? sse : { Enabled: false };
    await client.send(new UpdateTableCommand({ TableName: tableName, SSESpecification: specification }));
    changed.push('encryption');
  }
  if (Table?.DeletionProtectionEnabled !== deletionProtection) {
    await client.send(new UpdateTableCommand({ TableName: tableName, DeletionProtectionEnabled: deletionProtection }));
    changed.push('deletion protection');
  }
  return changed;
};

/**
 * Applies the template's TimeToLiveSpecification with UpdateTimeToLive, under AWS's rules (the emulator enforces
 * them): nothing to do when the table already has it, and a note instead of a change AWS would refuse.
 */
const applyTimeToLive = async (client: DynamoDBClient, tableName: string, props: TableProperties): Promise<string | undefined> => {
  const wanted: string | undefined = props.TimeToLiveSpecification?.Enabled ? props.TimeToLiveSpecification.AttributeName : undefined;
  const { TimeToLiveDescription: current } = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const active = current?.TimeToLiveStatus === 'ENABLED' || current?.TimeToLiveStatus === 'ENABLING' ? current.AttributeName : undefined;
  if (wanted === active) return wanted ? `TTL on "${wanted}"` : undefined;
  if (wanted && active) {
    return `TTL stays on "${active}", not "${wanted}": AWS moves TTL only by disabling it, then enabling it an hour later; remove the table's data to start afresh`;
  }
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { Enabled: Boolean(wanted), AttributeName: wanted ?? active },
      }),
    );
    return wanted ? `TTL enabled on "${wanted}"` : `TTL on "${active}" disabled`;
  } catch (error) {
    if ((error as Error).name !== 'ValidationException') throw error;
    return `TTL left as it is: ${(error as Error).message}`;
  }
};

/** A queue URL moved to another endpoint: the emulator looks queues up by the URL's path, whatever its host. */
const onEndpoint = (queueUrl: string, endpoint: string): string => new URL(new URL(queueUrl).pathname, endpoint).toString();

/**
 * Creates the template's DynamoDB tables and SQS queues on the emulators (idempotently, so persisted
 * data survives a restart) and returns what each logical id resolves to.
 */
export const provisionResources = async (options: ProvisionOptions): Promise<Map<string, LocalResource>> => {
  const { stackName, template, log } = options;
  const resources = new Map<string, LocalResource>();

  for (const [logicalId, table] of resourcesOfType(template, 'AWS::DynamoDB::Table')) {
    const props = table.Properties ?? {};
    const tableName = physicalNameOf(props.TableName, stackName, logicalId, resources);
    const sse = sseSpecification(props, resources);
    const deletionProtection = props.DeletionProtectionEnabled === true;
    const outcome = await createTable(options.dynamodb, {
      TableName: tableName,
      KeySchema: props.KeySchema,
      AttributeDefinitions: props.AttributeDefinitions,
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: indexes(props.GlobalSecondaryIndexes),
      LocalSecondaryIndexes: indexes(props.LocalSecondaryIndexes),
      SSESpecification: sse,
      DeletionProtectionEnabled: deletionProtection,
    });
    const notes: string[] = [];
    if (outcome === 'existing') {
      const changed = await updateTableSettings(options.dynamodb, tableName, sse, deletionProtection);
      if (changed.length > 0) notes.push(`${changed.join(' and ')} updated`);
      const mismatch = await indexMismatch(options.dynamodb, tableName, props);
      if (mismatch) notes.push(mismatch);
    }
    const ttl = await applyTimeToLive(options.dynamodb, tableName, props);
    if (ttl) notes.push(ttl);
    log(`table ${tableName} ${outcome}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`);
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
    const fifo = props.FifoQueue === true || props.FifoQueue === 'true';
    const queueName = physicalNameOf(props.QueueName, stackName, logicalId, resources, fifo ? '.fifo' : '');
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
    if (props.ContentBasedDeduplication !== undefined) attributes.ContentBasedDeduplication = String(props.ContentBasedDeduplication);
    // CreateQueue on an existing queue ignores changed attributes: set them explicitly every start. FifoQueue is set
    // at creation only (SQS refuses to change it); a FIFO queue is never created as a standard one.
    const { QueueUrl } = await options.sqs.send(
      new CreateQueueCommand({ QueueName: queueName, Attributes: fifo ? { FifoQueue: 'true' } : undefined }),
    );
    if (!QueueUrl) throw new Error(`CreateQueue returned no URL for ${queueName}`);
    if (Object.keys(attributes).length > 0) {
      await options.sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: attributes }));
    }
    const { Attributes } = await options.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    log(`queue ${queueName} ready (${fifo ? 'FIFO, ' : ''}visibility timeout ${attributes.VisibilityTimeout ?? 30} s)`);
    const handedOut = onEndpoint(QueueUrl, options.queueUrlEndpoint);
    resources.set(logicalId, {
      ref: handedOut,
      attributes: {
        Arn: Attributes?.QueueArn ?? '',
        QueueName: queueName,
        QueueUrl: handedOut,
        VisibilityTimeout: attributes.VisibilityTimeout ?? '30',
      },
    });
  }
  return resources;
};
