import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type App, Aspects, type Environment, Tags } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type StageConfig, getStageConfig } from './config/stages';
import { stackNameFor } from './config/stack-name';
import { OrdersPipelineStack } from './stacks/orders-pipeline-stack';

/**
 * cdk.json's context (the feature flags): the CDK CLI gives it to the app, and an app built in-process (local
 * runtime, infra tests, validate) must be given it too, or its template differs from what deploys (the flags change
 * IAM policies, for one).
 */
export const cdkJsonContext = (): Record<string, unknown> => {
  const cdkJson = JSON.parse(readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return { ...cdkJson.context };
};

export interface StageApp {
  readonly config: StageConfig;
  readonly stack: OrdersPipelineStack;
}

/**
 * Adds one stage's stack to `app` with everything a deploy carries (description, tags, cdk-nag):
 * the one composition used by `cdk synth/deploy`, the local runtime and the infra tests, so that
 * what runs locally and what is tested is what deploys.
 */
export const addStage = (app: App, stageName: string, env?: Environment): StageApp => {
  const config = getStageConfig(stageName);
  const stack = new OrdersPipelineStack(app, stackNameFor(config.stageName), {
    config,
    description: `orders-pipeline (${config.stageName}): HTTP API -> SQS -> batching consumer -> DynamoDB`,
    env,
  });
  Tags.of(app).add('project', 'orders-pipeline');
  Tags.of(app).add('stage', config.stageName);
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  return { config, stack };
};
