/**
 * The template changes a rehearsal on moto needs, and the bootstrap stack it deploys first. Pure: the
 * check reports every substitution, so what moto created is the synthesized template minus exactly these.
 */

import { invokedFunctionId, referencedLogicalIds } from '../../../local-runtime/function-reference';

type Json = unknown;
type Template = Readonly<Record<string, unknown>>;
type Resources = Record<string, { readonly Type: string; readonly Properties?: Record<string, Json> }>;

/**
 * Resource types moto 5.2's CloudFormation has no model for: it skips them while creating a stack (the check
 * lists what was skipped from the stack's own resource list), but an Output that reads an attribute of one
 * fails the whole CreateStack before anything is created.
 */
export const MOTO_UNMODELLED_TYPES: ReadonlySet<string> = new Set([
  'AWS::ApiGatewayV2::Api',
  'AWS::ApiGatewayV2::Integration',
  'AWS::ApiGatewayV2::Route',
  'AWS::ApiGatewayV2::Stage',
  'AWS::CloudWatch::Alarm',
  'AWS::CodeDeploy::Application',
  'AWS::CodeDeploy::DeploymentGroup',
  'AWS::Lambda::Alias',
  'AWS::SNS::TopicPolicy',
  'AWS::SQS::QueuePolicy',
]);

export interface Substitution {
  /** Where in the template, e.g. "Outputs.ApiUrl". */
  readonly path: string;
  /** What it read, e.g. "Fn::GetAtt HttpApiF5A9A8A7.ApiEndpoint of AWS::ApiGatewayV2::Api". */
  readonly replaced: string;
}

const getAttTarget = (value: Json): [string, string] | undefined => {
  if (typeof value !== 'object' || value === null || !('Fn::GetAtt' in value)) return undefined;
  const target = (value as { 'Fn::GetAtt': Json })['Fn::GetAtt'];
  if (Array.isArray(target) && typeof target[0] === 'string') return [target[0], String(target[1])];
  if (typeof target === 'string') {
    const [logicalId, ...attribute] = target.split('.');
    return [logicalId, attribute.join('.')];
  }
  return undefined;
};

/** Every Fn::GetAtt anywhere in `value` (inside Fn::Join, Fn::Sub lists and the like too). */
const getAttsIn = (value: Json): [string, string][] => {
  const own = getAttTarget(value);
  if (own) return [own];
  if (Array.isArray(value)) return value.flatMap(getAttsIn);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(getAttsIn);
  return [];
};

/** `value` with every Fn::GetAtt of an unmodelled resource replaced by a string naming it; the replaced reads in `found`. */
const replaceUnmodelledGetAtts = (value: Json, resources: Resources, found: string[]): Json => {
  const target = getAttTarget(value);
  if (target && MOTO_UNMODELLED_TYPES.has(resources[target[0]]?.Type)) {
    found.push(`${target[0]}.${target[1]}`);
    return `substituted-for-moto-${target[0]}-${target[1]}`;
  }
  if (target) return value;
  if (Array.isArray(value)) return value.map((item) => replaceUnmodelledGetAtts(item, resources, found));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceUnmodelledGetAtts(item, resources, found)]));
  }
  return value;
};

/**
 * A resource moto creates resolves every Fn::GetAtt in its properties, and one of a resource it skips fails the whole
 * CreateStack (the dashboard's alarm widget reads the alarms' ARNs). Those reads become strings naming what they were.
 */
const substituteInModelledResources = (resources: Resources, substitutions: Substitution[]): Resources => {
  const substituted: Resources = {};
  for (const [logicalId, resource] of Object.entries(resources)) {
    const found: string[] = [];
    const properties = MOTO_UNMODELLED_TYPES.has(resource.Type)
      ? resource.Properties
      : (replaceUnmodelledGetAtts(resource.Properties, resources, found) as Resources[string]['Properties']);
    if (found.length === 0) {
      substituted[logicalId] = resource;
      continue;
    }
    const types = [...new Set(found.map((read) => resources[read.split('.')[0]].Type))].join(', ');
    substitutions.push({ path: `Resources.${logicalId}.Properties`, replaced: `Fn::GetAtt ${found.join(', ')} of ${types}` });
    substituted[logicalId] = { ...resource, Properties: properties };
  }
  return substituted;
};

/**
 * moto 5.2 has no Lambda aliases: a Ref to one resolves to nothing and fails the resource that reads it (the event
 * source mapping, the API's invoke permissions). Each property naming an alias names its function instead, which is
 * what the alias invokes at the first deploy.
 */
const invokeFunctionsForAliases = (resources: Resources, substitutions: Substitution[]): Resources => {
  const substituted: Resources = {};
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (MOTO_UNMODELLED_TYPES.has(resource.Type) || !resource.Properties) {
      substituted[logicalId] = resource;
      continue;
    }
    const replaced: Record<string, Json> = {};
    for (const [name, value] of Object.entries(resource.Properties)) {
      const aliases = [...new Set(referencedLogicalIds(value))].filter((id) => resources[id]?.Type === 'AWS::Lambda::Alias');
      const functionId = aliases.length === 1 ? invokedFunctionId({ Resources: resources }, { Ref: aliases[0] }) : undefined;
      if (!functionId) continue;
      replaced[name] = { Ref: functionId };
      substitutions.push({
        path: `Resources.${logicalId}.Properties.${name}`,
        replaced: `alias ${aliases[0]} by its function ${functionId}`,
      });
    }
    substituted[logicalId] =
      Object.keys(replaced).length > 0 ? { ...resource, Properties: { ...resource.Properties, ...replaced } } : resource;
  }
  return substituted;
};

/**
 * The template moto is given: each Output whose value reads an attribute of a resource type moto cannot
 * model becomes a fixed string naming what it stood for, and so does each such read in the properties of a
 * resource moto does create, and each reference to a Lambda alias names the alias's function; everything else is
 * left as synthesized.
 */
export const substituteForMoto = (template: Template): { readonly template: Template; readonly substitutions: readonly Substitution[] } => {
  const resources = (template.Resources ?? {}) as Resources;
  const outputs = (template.Outputs ?? {}) as Record<string, { readonly Value: Json }>;
  const substitutions: Substitution[] = [];
  const newResources = invokeFunctionsForAliases(substituteInModelledResources(resources, substitutions), substitutions);
  const newOutputs: Record<string, unknown> = {};
  for (const [name, output] of Object.entries(outputs)) {
    const unmodelled = getAttsIn(output.Value).filter(([logicalId]) => MOTO_UNMODELLED_TYPES.has(resources[logicalId]?.Type));
    if (unmodelled.length === 0) {
      newOutputs[name] = output;
      continue;
    }
    const attributes = unmodelled.map(([logicalId, attribute]) => `${logicalId}.${attribute}`).join(', ');
    const types = [...new Set(unmodelled.map(([logicalId]) => resources[logicalId].Type))].join(', ');
    substitutions.push({ path: `Outputs.${name}`, replaced: `Fn::GetAtt ${attributes} of ${types}` });
    // Not the text "Fn::GetAtt": moto 5.2 looks for it in output values as a substring, strings included.
    newOutputs[name] = { ...output, Value: `substituted for moto: ${attributes}` };
  }
  if (substitutions.length === 0) return { template, substitutions };
  return { template: { ...template, Resources: newResources, Outputs: newOutputs }, substitutions };
};

/**
 * Any version from 6 on satisfies the CheckBootstrapVersion rule CDK adds (moto does not evaluate Rules);
 * this is the version the pinned aws-cdk CLI's bootstrap template writes.
 */
export const REHEARSAL_BOOTSTRAP_VERSION = '33';

/**
 * What `cdk bootstrap` provides that the stack's deploy reads, as a stack of its own: the asset bucket(s) the
 * asset manifest publishes to (names keep their ${AWS::AccountId}/${AWS::Region} placeholders, which Fn::Sub
 * resolves) and the SSM parameter the template's BootstrapVersion parameter reads.
 */
export const bootstrapTemplateFor = (template: Template, assetBucketNames: readonly string[]): Record<string, unknown> => {
  const resources: Record<string, unknown> = {};
  [...new Set(assetBucketNames)].forEach((bucketName, index) => {
    resources[`AssetBucket${index}`] = { Type: 'AWS::S3::Bucket', Properties: { BucketName: { 'Fn::Sub': bucketName } } };
  });
  // The one SSM-typed parameter CDK's default synthesizer adds; its value is all the template reads from bootstrap.
  const bootstrapVersion = (template.Parameters as Record<string, { readonly Type?: string; readonly Default?: string }> | undefined)
    ?.BootstrapVersion;
  if (bootstrapVersion?.Type?.startsWith('AWS::SSM::Parameter::Value<') && bootstrapVersion.Default) {
    resources.BootstrapVersion = {
      Type: 'AWS::SSM::Parameter',
      Properties: { Type: 'String', Name: bootstrapVersion.Default, Value: REHEARSAL_BOOTSTRAP_VERSION },
    };
  }
  return { Description: 'Rehearsal stand-in for the CDKToolkit bootstrap stack', Resources: resources };
};

/** Template resources moto left out of the stack (logical ids it does not list), counted by type. */
export const notCreatedByType = (template: Template, createdLogicalIds: ReadonlySet<string>): ReadonlyMap<string, number> => {
  const counts = new Map<string, number>();
  for (const [logicalId, resource] of Object.entries((template.Resources ?? {}) as Resources)) {
    if (!createdLogicalIds.has(logicalId)) counts.set(resource.Type, (counts.get(resource.Type) ?? 0) + 1);
  }
  return counts;
};
