/** The parts of a template this module reads (a CfnTemplate, or any template parsed from JSON). */
interface TemplateResources {
  readonly Resources: Readonly<Record<string, { readonly Type: string; readonly Properties?: Readonly<Record<string, unknown>> }>>;
}

/** Every logical id a `Ref` or `Fn::GetAtt` anywhere in `value` names (inside Fn::Join, Fn::Select, Fn::Split too). */
export const referencedLogicalIds = (value: unknown): string[] => {
  if (Array.isArray(value)) return value.flatMap(referencedLogicalIds);
  if (typeof value !== 'object' || value === null) return [];
  const reference = value as { Ref?: unknown; 'Fn::GetAtt'?: unknown };
  if (typeof reference.Ref === 'string') return reference.Ref.startsWith('AWS::') ? [] : [reference.Ref];
  const getAtt = reference['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return [getAtt[0]];
  if (typeof getAtt === 'string') return [getAtt.split('.')[0]];
  return Object.values(value).flatMap(referencedLogicalIds);
};

/**
 * The one resource `value` refers to: a Ref, a Fn::GetAtt, or an expression built on one (CDK names an alias to an event
 * source mapping as `Fn::Join` of the name selected from the alias's ARN and `:live`).
 */
const referencedLogicalId = (value: unknown): string | undefined => {
  const ids = [...new Set(referencedLogicalIds(value))];
  return ids.length === 1 ? ids[0] : undefined;
};

/**
 * The logical id of the `AWS::Lambda::Function` that a property referencing a function invokes: the function itself, or
 * one of its versions or aliases (`AWS::Lambda::Version`, `AWS::Lambda::Alias`), followed to the function they belong
 * to. Locally there is one copy of each function, running its current code, so every version and alias of it is that
 * copy. Undefined when the value names no function of the template.
 */
export const invokedFunctionId = (template: TemplateResources, value: unknown): string | undefined => {
  const seen = new Set<string>();
  let logicalId = referencedLogicalId(value);
  while (logicalId !== undefined && !seen.has(logicalId)) {
    seen.add(logicalId);
    const resource = template.Resources[logicalId];
    if (resource?.Type === 'AWS::Lambda::Function') return logicalId;
    if (resource?.Type !== 'AWS::Lambda::Version' && resource?.Type !== 'AWS::Lambda::Alias') return undefined;
    logicalId = referencedLogicalId(resource.Properties?.FunctionName);
  }
  return undefined;
};

/** By logical id, each alias's name (`live`), for what the runtime prints and the references it resolves. */
export const aliasesOf = (template: TemplateResources): Map<string, { readonly functionId: string; readonly name: string }> => {
  const aliases = new Map<string, { functionId: string; name: string }>();
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Alias') continue;
    const functionId = invokedFunctionId(template, { Ref: logicalId });
    if (functionId) aliases.set(logicalId, { functionId, name: String(resource.Properties?.Name) });
  }
  return aliases;
};
