#!/usr/bin/env node
import { App, Aspects, Tags } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { getStageConfig } from '../config/stages';
import { OrdersPipelineStack, stackNameFor } from '../stacks/orders-pipeline-stack';

const app = new App();
const stageName: string = app.node.tryGetContext('stage') ?? 'dev';
const config = getStageConfig(stageName);

new OrdersPipelineStack(app, stackNameFor(config.stageName), {
  config,
  description: `orders-pipeline (${config.stageName}): HTTP API -> SQS -> batching consumer -> DynamoDB`,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Tags.of(app).add('project', 'orders-pipeline');
Tags.of(app).add('stage', config.stageName);
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
