import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { StageConfig, StageName } from '../../infra/config/stages';
import { addStage, cdkJsonContext } from '../../infra/stage-app';
import { invokedFunctionId } from '../../local-runtime/function-reference';

export interface SynthesizedStage {
  readonly config: StageConfig;
  readonly app: App;
  readonly stack: Stack;
  readonly template: Template;
}

const cache = new Map<StageName, SynthesizedStage>();

/** Synthesizes one stage as it deploys (addStage: tags and cdk-nag included); cached per test file. */
export const synthStage = (stage: StageName): SynthesizedStage => {
  const cached = cache.get(stage);
  if (cached) return cached;
  const app = new App({ context: cdkJsonContext() });
  const { config, stack } = addStage(app, stage);
  const synthesized = { config, app, stack, template: Template.fromStack(stack) };
  cache.set(stage, synthesized);
  return synthesized;
};

type Resources = Record<
  string,
  { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; Metadata?: Record<string, unknown> }
>;

export const resourcesOfType = (template: Template, type: string): Resources => template.findResources(type) as Resources;

/** The one resource of a type whose properties contain the given (partial) object. */
export const onlyResource = (template: Template, type: string, props: Record<string, unknown> = {}) => {
  const found = Object.entries(template.findResources(type, { Properties: props }) as Resources);
  if (found.length !== 1) throw new Error(`expected one ${type} matching ${JSON.stringify(props)}, found ${found.length}`);
  const [logicalId, resource] = found[0];
  return { logicalId, ...resource, Properties: resource.Properties ?? {} };
};

/** A resource's Properties, which every resource these tests read has: a missing one fails the test with its type. */
export const propertiesOf = (resource: Resources[string]): Record<string, unknown> => {
  if (!resource.Properties) throw new Error(`${resource.Type} has no Properties`);
  return resource.Properties;
};

/**
 * The logical id of the function a property invokes (a Ref or GetAtt of the function, or of its version or alias,
 * followed to the function); undefined when it names none.
 */
export const invokedFunction = (template: Template, value: unknown): string | undefined =>
  invokedFunctionId(template.toJSON() as { Resources: Resources }, value);
