import type { CfnResource, CfnTemplate } from './cloud-assembly';
import { nodeBinaryFor } from './lambda/node-runtimes';

/**
 * What the local runtime does with one resource of the template. `runs`: it runs as on AWS, `how` says how (and what
 * of it is not applied, when that changes nothing a function or client sees). `named`: it does not run locally, `why`
 * says so. `refused`: it would run differently from AWS in a way an app can see (a name, an order, an index), so the
 * start stops unless the user accepts the difference (`--accept-differences`).
 */
export type Handling =
  | { readonly status: 'runs'; readonly how: string }
  | { readonly status: 'named'; readonly why: string }
  | { readonly status: 'refused'; readonly why: string };

export interface InventoryLine {
  readonly logicalId: string;
  readonly type: string;
  readonly handling: Handling;
}

export interface InventoryContext {
  readonly logicalId: string;
  readonly template: CfnTemplate;
  readonly stackName: string;
}

/** How the runtime handles one resource type; add one entry per type (or a refusal to an entry) to change what it says. */
export type ResourceCheck = (resource: CfnResource, context: InventoryContext) => Handling;

const runs = (how: string): Handling => ({ status: 'runs', how });
const named = (why: string): Handling => ({ status: 'named', why });

/** Runs as `how` says unless one of `differences` (a reason, or false when it does not apply) holds: then refused. */
const runsUnless = (how: string, differences: readonly (string | false | undefined)[]): Handling => {
  const found = differences.filter((difference): difference is string => typeof difference === 'string');
  return found.length > 0 ? { status: 'refused', why: found.join('; ') } : runs(how);
};

const notApplied = (props: Record<string, unknown>, names: readonly string[]): string => {
  const present = names.filter((name) => props[name] !== undefined);
  return present.length > 0 ? ` (${present.join(', ')} not applied locally)` : '';
};

/** The name a resource runs under: the template's (TableName, QueueName, FunctionName), else `<stack>-<logicalId>`. */
const localName = (templateName: unknown, stackName: string, logicalId: string, suffix = ''): string => {
  if (templateName === undefined) return `${stackName}-${logicalId}${suffix}`;
  return typeof templateName === 'string' ? templateName : 'the name its template sets';
};

const isFifo = (props: Record<string, unknown> | undefined): boolean => props?.FifoQueue === true || props?.FifoQueue === 'true';

const IAM_NOT_ENFORCED = 'not enforced locally: functions run with local credentials the emulators accept for every call';

// The `named` reasons say why a resource does not run; the start prefixes them with "not run".
/** Every resource type the runtime knows, with what it does with it. Types not listed are named as not run. */
export const RESOURCE_CHECKS: Readonly<Record<string, ResourceCheck>> = {
  'AWS::DynamoDB::Table': (table, { stackName, logicalId }) => {
    const props = table.Properties ?? {};
    return runsUnless(
      `on dynalite as ${localName(props.TableName, stackName, logicalId)}: key schema, global and local secondary indexes, TTL, encryption setting, deletion protection${notApplied(props, ['PointInTimeRecoverySpecification', 'ProvisionedThroughput', 'ContributorInsightsSpecification'])}`,
      [
        props.StreamSpecification !== undefined &&
          `its stream (${props.StreamSpecification.StreamViewType}) does not run: dynalite has no DynamoDB Streams API, so no stream records exist`,
      ],
    );
  },
  'AWS::SQS::Queue': (queue, { stackName, logicalId }) => {
    const props = queue.Properties ?? {};
    const fifo = isFifo(props);
    return runsUnless(
      `on fauxqs as ${localName(props.QueueName, stackName, logicalId, fifo ? '.fifo' : '')}: ${fifo ? 'FIFO (message groups in order, deduplication for 5 minutes), ' : ''}visibility timeout, retention, long polling, redrive to its DLQ${notApplied(props, ['SqsManagedSseEnabled', 'KmsMasterKeyId', 'RedriveAllowPolicy'])}`,
      [
        fifo &&
          props.DeduplicationScope === 'messageGroup' &&
          'its DeduplicationScope messageGroup: fauxqs deduplicates across the whole queue, so a message whose deduplication id another group used within 5 minutes is dropped locally and delivered on AWS',
        props.DelaySeconds !== undefined && `its DelaySeconds (${props.DelaySeconds}) is not applied`,
        props.MaximumMessageSize !== undefined && `its MaximumMessageSize (${props.MaximumMessageSize}) is not applied`,
      ],
    );
  },
  'AWS::Lambda::Function': (fn, { stackName, logicalId }) => {
    const props = fn.Properties ?? {};
    const runtime = String(props.Runtime ?? '');
    const node = /^nodejs\d+\.x$/.test(runtime) ? nodeBinaryFor(runtime) : undefined;
    const binary = node && 'binary' in node ? node.binary : undefined;
    return runsUnless(
      `as ${localName(props.FunctionName, stackName, logicalId)}, Node ${binary?.version ?? process.versions.node} processes from its asset (its bundle, its layers and the runtime's AWS SDK only), Lambda's lifecycle and limits${notApplied(props, ['VpcConfig', 'DeadLetterConfig', 'EphemeralStorage', 'SnapStart'])}`,
      [
        props.PackageType === 'Image' && 'it is a container image function; only zip functions run',
        props.Code?.ZipFile !== undefined && 'its code is inline (ZipFile); only asset code runs',
        node === undefined &&
          props.PackageType !== 'Image' &&
          `its runtime ${runtime || '(none)'} is not Node.js; only Node.js functions run`,
        node !== undefined && 'difference' in node && node.difference,
      ],
    );
  },
  'AWS::Lambda::LayerVersion': () => runs("its nodejs/node_modules on the functions' module path, as Lambda mounts /opt/nodejs"),
  'AWS::Lambda::EventSourceMapping': (mapping, { template }) => {
    const props = mapping.Properties ?? {};
    const [source, attribute] = props.EventSourceArn?.['Fn::GetAtt'] ?? [];
    const queue = typeof source === 'string' ? template.Resources[source] : undefined;
    const fifo = queue?.Type === 'AWS::SQS::Queue' && isFifo(queue.Properties);
    // Lambda refuses these for a FIFO queue: https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html (checked 2026-12-07).
    return runsUnless(
      'an SQS poller with its batch size, batching window, maximum concurrency and partial batch responses; Enabled: false starts it paused (npm run consumer -- resume --local)',
      [
        attribute === 'StreamArn' && 'its source is a DynamoDB stream, which does not run locally: the function is never invoked by it',
        attribute !== 'StreamArn' &&
          (queue?.Type !== 'AWS::SQS::Queue' || attribute !== 'Arn') &&
          "its source is not a queue of this stack; only SQS mappings to this stack's queues run",
        fifo &&
          Number(props.BatchSize ?? 10) > 10 &&
          `its BatchSize ${props.BatchSize} on a FIFO queue: Lambda allows at most 10 (a deploy fails); 10 run`,
        fifo &&
          Number(props.MaximumBatchingWindowInSeconds ?? 0) > 0 &&
          'its MaximumBatchingWindowInSeconds on a FIFO queue: Lambda supports no batching window there (a deploy fails); none runs',
        props.FilterCriteria !== undefined && 'its FilterCriteria is not applied (every record would be delivered)',
      ],
    );
  },
  'AWS::ApiGatewayV2::Api': (api) => {
    const props = api.Properties ?? {};
    const cors = props.CorsConfiguration !== undefined ? ', its CorsConfiguration applied' : '';
    return runsUnless(`the local HTTP API front (payload format 2.0${cors}) on --api-port and --https-port`, [
      props.ProtocolType !== 'HTTP' && `its protocol ${props.ProtocolType} is not HTTP; only HTTP APIs run`,
      props.Body !== undefined || props.BodyS3Location !== undefined ? 'it is defined by an OpenAPI body, which is not read' : false,
    ]);
  },
  'AWS::ApiGatewayV2::Route': (route) => {
    const props = route.Properties ?? {};
    const authorization = props.AuthorizationType ?? 'NONE';
    return runsUnless(`served by the local front${authorization === 'AWS_IAM' ? ', SigV4 verified' : ''}`, [
      !['NONE', 'AWS_IAM'].includes(authorization) && `its ${authorization} authorizer is not run (only IAM auth is verified)`,
    ]);
  },
  'AWS::ApiGatewayV2::Integration': (integration) => {
    const props = integration.Properties ?? {};
    return runsUnless('invokes its function with payload format 2.0 and its timeout', [
      props.IntegrationType !== 'AWS_PROXY' && `its type ${props.IntegrationType} is not a Lambda proxy; only Lambda proxies run`,
      props.PayloadFormatVersion !== undefined &&
        props.PayloadFormatVersion !== '2.0' &&
        `its payload format ${props.PayloadFormatVersion} is not 2.0`,
    ]);
  },
  'AWS::ApiGatewayV2::Stage': (stage) => {
    const props = stage.Properties ?? {};
    return runsUnless(`as the API's root${notApplied(props, ['DefaultRouteSettings', 'RouteSettings', 'AccessLogSettings'])}`, [
      props.StageName !== '$default' && `its stage name ${props.StageName} would be served at the root, not under /${props.StageName}`,
    ]);
  },
  'AWS::CloudWatch::Alarm': () => runs('evaluated on the live dashboard from local metrics; its actions are not sent'),
  'AWS::Logs::LogGroup': () =>
    named("log groups are not created: functions' logs go to <data-dir>/logs/<function>.log; retention and encryption are not applied"),
  'AWS::Logs::QueryDefinition': () => named('Logs Insights queries do not run locally; read <data-dir>/logs/'),
  'AWS::Lambda::Permission': () => named('not enforced locally: the local API and event sources invoke any function'),
  'AWS::IAM::Role': () => named(IAM_NOT_ENFORCED),
  'AWS::IAM::Policy': () => named(IAM_NOT_ENFORCED),
  'AWS::IAM::ManagedPolicy': () => named(IAM_NOT_ENFORCED),
  'AWS::SQS::QueuePolicy': () => named('not enforced locally: fauxqs accepts every local caller'),
  'AWS::SNS::Topic': () => named('no local SNS; publishes to it fail and alarm actions are not sent'),
  'AWS::SNS::TopicPolicy': () => named('no local SNS'),
  'AWS::SNS::Subscription': () => named('no local SNS, nothing is delivered'),
  'AWS::CloudWatch::Dashboard': () => named('the live dashboard (--dashboard-port) shows the local metrics instead'),
  'AWS::CDK::Metadata': () => named("CDK's version reporting; nothing to run"),
  'AWS::KMS::Key': () => named('tables encrypted with it name a local stand-in alias'),
  'AWS::CodeDeploy::Application': () =>
    named("not run locally: no traffic shifting or alarm rollback; every alias runs its function's current code"),
  'AWS::CodeDeploy::DeploymentGroup': () =>
    named("not run locally: no traffic shifting or alarm rollback; every alias runs its function's current code"),
  'AWS::Lambda::Version': () => runs("invocations of it run the function's current code"),
  'AWS::Lambda::Alias': () => runs("invocations through it run the function's current code (no weighted routing)"),
};

const handlingOf = (logicalId: string, resource: CfnResource, context: Omit<InventoryContext, 'logicalId'>): Handling => {
  const check = RESOURCE_CHECKS[resource.Type];
  if (check) return check(resource, { ...context, logicalId });
  if (resource.Type.startsWith('Custom::') || resource.Type === 'AWS::CloudFormation::CustomResource') {
    return named('custom resources are not invoked at start');
  }
  return named(`the local runtime has no ${resource.Type.split('::')[1] ?? resource.Type} emulator`);
};

/** Every resource of the template with what the runtime does with it, in template order. */
export const inventoryOf = (template: CfnTemplate, stackName: string): InventoryLine[] =>
  Object.entries(template.Resources).map(([logicalId, resource]) => ({
    logicalId,
    type: resource.Type,
    handling: handlingOf(logicalId, resource, { template, stackName }),
  }));

export class DifferencesRefusedError extends Error {
  override readonly name = 'DifferencesRefusedError';
}

/**
 * The start's account of the template: one line per type that runs (how, and its logical ids), one per resource that
 * does not (why) or runs differently (what differs, when the differences were accepted).
 */
export const describeInventory = (inventory: readonly InventoryLine[]): string[] => {
  const lines: string[] = [];
  const running = new Map<string, { how: Set<string>; ids: string[] }>();
  for (const { logicalId, type, handling } of inventory) {
    if (handling.status !== 'runs') continue;
    const entry = running.get(type) ?? { how: new Set<string>(), ids: [] };
    entry.how.add(handling.how);
    entry.ids.push(logicalId);
    running.set(type, entry);
  }
  for (const [type, { how, ids }] of running) {
    // Resources of a type usually run alike; when their notes differ, each is said.
    if (how.size === 1) lines.push(`runs     ${type} ${ids.join(', ')}: ${[...how][0]}`);
    else
      for (const line of inventory.filter((entry) => entry.type === type && entry.handling.status === 'runs'))
        lines.push(`runs     ${type} ${line.logicalId}: ${(line.handling as { how: string }).how}`);
  }
  for (const { logicalId, type, handling } of inventory) {
    if (handling.status === 'named') lines.push(`not run  ${type} ${logicalId}: ${handling.why}`);
    if (handling.status === 'refused') lines.push(`DIFFERS  ${type} ${logicalId}: ${handling.why}`);
  }
  return lines;
};

/** Stops the start when the template needs what the runtime cannot honour, unless the user accepted the differences. */
export const assertNoRefusals = (inventory: readonly InventoryLine[], acceptDifferences: boolean): void => {
  const refused = inventory.filter((line) => line.handling.status === 'refused');
  if (refused.length === 0 || acceptDifferences) return;
  const listed = refused.map((line) => `  ${line.type} ${line.logicalId}: ${(line.handling as { why: string }).why}`).join('\n');
  throw new DifferencesRefusedError(
    `The local runtime cannot run ${refused.length} resource${refused.length === 1 ? '' : 's'} of this stack as AWS would:\n${listed}\n` +
      'Change the stack, or pass --accept-differences (acceptDifferences: true) to run it with these differences.',
  );
};
