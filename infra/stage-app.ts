import { type App, Aspects, type Environment, Tags } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type StageConfig, getStageConfig } from './config/stages';
import { OrdersPipelineStack, stackNameFor } from './stacks/orders-pipeline-stack';

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
