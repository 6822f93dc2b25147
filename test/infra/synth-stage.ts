import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { StageConfig, StageName, getStageConfig } from '../../infra/config/stages';
import { OrdersPipelineStack, stackNameFor } from '../../infra/stacks/orders-pipeline-stack';

export interface SynthesizedStage {
  readonly config: StageConfig;
  readonly app: App;
  readonly stack: Stack;
  readonly template: Template;
}

const cache = new Map<StageName, SynthesizedStage>();

/** Synthesizes one stage the way infra/bin/app.ts does, cdk-nag included; cached per test file. */
export const synthStage = (stage: StageName): SynthesizedStage => {
  const cached = cache.get(stage);
  if (cached) return cached;
  const app = new App();
  const config = getStageConfig(stage);
  const stack = new OrdersPipelineStack(app, stackNameFor(stage), { config });
  Aspects.of(app).add(new AwsSolutionsChecks());
  const synthesized = { config, app, stack, template: Template.fromStack(stack) };
  cache.set(stage, synthesized);
  return synthesized;
};

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; Metadata?: Record<string, unknown> }>;

export const resourcesOfType = (template: Template, type: string): Resources =>
  template.findResources(type) as Resources;

/** The one resource of a type whose properties contain the given (partial) object. */
export const onlyResource = (template: Template, type: string, props: Record<string, unknown> = {}) => {
  const found = Object.entries(template.findResources(type, { Properties: props }) as Resources);
  if (found.length !== 1) throw new Error(`expected one ${type} matching ${JSON.stringify(props)}, found ${found.length}`);
  const [logicalId, resource] = found[0];
  return { logicalId, ...resource, Properties: resource.Properties ?? {} };
};
