/**
 * Compares what the local runtime delivered with a fixture of what AWS delivers, by shape and format: the same keys,
 * the same JSON types, and strings and numbers of the same recognisable format (AWS's request ids, times, ARNs,
 * trace headers...). Values themselves differ between any two requests; a fixture names the few that must be equal.
 */

/** Formats a value can be recognised by, most specific first. A string matching none is a plain `string`. */
const STRING_FORMATS: readonly (readonly [string, RegExp])[] = [
  ['apigw-time', /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/],
  ['http-date', /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/],
  ['iso-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/],
  ['uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/],
  ['apigw-request-id', /^[A-Za-z0-9+/]{15}=$/],
  ['trace-root', /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/],
  ['lambda-trace', /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=[01]$/],
  ['arn', /^arn:aws:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+$/],
  ['log-stream', /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/],
  ['epoch-ms', /^\d{13}$/],
  ['md5', /^[0-9a-f]{32}$/],
  ['ipv4', /^\d{1,3}(\.\d{1,3}){3}$/],
  ['integer', /^\d+$/],
  ['aws-access-key', /^(AKIA|ASIA)[A-Z0-9]{16}$/],
  ['iam-unique-id', /^(AIDA|AROA)[A-Z0-9]{12,}(:.+)?$/],
  ['api-id', /^[a-z0-9]{10}$/],
];

export const formatOf = (value: string): string => STRING_FORMATS.find(([, pattern]) => pattern.test(value))?.[0] ?? 'string';

export type Shape = string | readonly Shape[] | { readonly [key: string]: Shape };

/** The shape of a JSON value: objects by key, arrays by their elements, scalars by type and format. */
export const shapeOf = (value: unknown): Shape => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.map(shapeOf);
  switch (typeof value) {
    case 'string':
      return `string:${formatOf(value)}`;
    case 'number':
      if (!Number.isInteger(value)) return 'number';
      return value > 1e12 && value < 1e13 ? 'number:epoch-ms' : 'number:integer';
    case 'boolean':
      return 'boolean';
    case 'object':
      return Object.fromEntries(Object.entries(value as object).map(([key, inner]) => [key, shapeOf(inner)]));
    default:
      return typeof value;
  }
};

export interface ShapeDifference {
  /** Dotted path, e.g. `requestContext.time`. */
  readonly path: string;
  readonly aws: string;
  readonly local: string;
}

const describe = (shape: Shape | undefined): string =>
  shape === undefined ? 'absent' : typeof shape === 'string' ? shape : JSON.stringify(shape);

/**
 * Every place where `local` differs from `aws` in shape. Objects named in `openMaps` (header maps, environments) may
 * hold keys the fixture does not list; everywhere else a key on one side only is a difference.
 */
export const shapeDifferences = (aws: unknown, local: unknown, openMaps: readonly string[] = [], path = ''): ShapeDifference[] => {
  const awsShape = shapeOf(aws);
  const localShape = shapeOf(local);
  const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  if (isObject(aws) && isObject(local)) {
    const keys = new Set([...Object.keys(aws), ...(openMaps.includes(path) ? [] : Object.keys(local))]);
    return [...keys].sort().flatMap((key) => {
      const inner = path === '' ? key : `${path}.${key}`;
      if (!(key in local)) return [{ path: inner, aws: describe(shapeOf(aws[key])), local: 'absent' }];
      if (!(key in aws)) return [{ path: inner, aws: 'absent', local: describe(shapeOf(local[key])) }];
      return shapeDifferences(aws[key], local[key], openMaps, inner);
    });
  }
  if (Array.isArray(aws) && Array.isArray(local) && aws.length > 0 && local.length > 0) {
    // Elements of one array share a shape: compare each local element with AWS's first.
    return local.flatMap((element, index) =>
      shapeDifferences(aws[Math.min(index, aws.length - 1)], element, openMaps, `${path}[${index}]`),
    );
  }
  const same = JSON.stringify(awsShape) === JSON.stringify(localShape);
  return same ? [] : [{ path, aws: describe(awsShape), local: describe(localShape) }];
};

/** The value at a dotted path (keys may hold dots when quoted in brackets: `headers["x-a.b"]` is not needed here). */
export const valueAt = (value: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((current, key) => (current as Record<string, unknown> | undefined)?.[key], value);
