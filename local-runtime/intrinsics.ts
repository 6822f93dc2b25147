export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';
/** The emulators take any credentials; the runtime, its functions and the README's AWS CLI examples use this pair. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** A local function's unqualified ARN, as Lambda forms it. */
export const localFunctionArn = (functionName: string): string =>
  `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName}`;

/** What a logical id resolves to locally: its Ref value and its Fn::GetAtt attributes. */
export interface LocalResource {
  readonly ref: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export class UnresolvableReferenceError extends Error {
  override readonly name = 'UnresolvableReferenceError';
}

const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Region': LOCAL_REGION,
  'AWS::AccountId': LOCAL_ACCOUNT,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::NoValue': '',
};

/**
 * Resolves the CloudFormation intrinsics CDK emits for this stack (Ref, Fn::GetAtt, Fn::Join,
 * Fn::Select, Fn::Split, Fn::Sub) against locally created resources. Anything else is reported,
 * never guessed.
 */
export const resolveIntrinsics = (value: unknown, resources: ReadonlyMap<string, LocalResource>): unknown => {
  const resolve = (inner: unknown): unknown => resolveIntrinsics(inner, resources);
  if (Array.isArray(value)) return value.map(resolve);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  if (entries.length === 1) {
    // biome-ignore lint/suspicious/noExplicitAny: an intrinsic's argument has a different shape per function; each case reads its own.
    const [fn, arg] = entries[0] as [string, any];
    switch (fn) {
      case 'Ref': {
        if (arg in PSEUDO_PARAMETERS) return PSEUDO_PARAMETERS[arg];
        const resource = resources.get(arg);
        if (!resource) throw new UnresolvableReferenceError(`Ref to ${arg}, which the local runtime does not create`);
        return resource.ref;
      }
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = arg as [string, string];
        const resolved = resources.get(logicalId)?.attributes[attribute];
        if (resolved === undefined) {
          throw new UnresolvableReferenceError(`Fn::GetAtt ${logicalId}.${attribute} has no local equivalent`);
        }
        return resolved;
      }
      case 'Fn::Join': {
        const [separator, parts] = arg as [string, unknown[]];
        return (resolve(parts) as unknown[]).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [number, unknown];
        return (resolve(list) as unknown[])[Number(index)];
      }
      case 'Fn::Split': {
        const [separator, source] = arg as [string, unknown];
        return String(resolve(source)).split(separator);
      }
      case 'Fn::Sub': {
        const [template, variables] = (typeof arg === 'string' ? [arg, {}] : arg) as [string, Record<string, unknown>];
        return template.replace(/\$\{([^}]+)\}/g, (_match, name: string) => {
          if (name in variables) return String(resolve(variables[name]));
          const [logicalId, attribute] = name.split('.');
          return String(resolve(attribute ? { 'Fn::GetAtt': [logicalId, attribute] } : { Ref: logicalId }));
        });
      }
      default:
        if (fn.startsWith('Fn::')) throw new UnresolvableReferenceError(`${fn} is not supported by the local runtime`);
    }
  }
  return Object.fromEntries(entries.map(([key, inner]) => [key, resolve(inner)]));
};
