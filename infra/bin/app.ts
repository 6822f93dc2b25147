#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { addStage } from '../stage-app';

const app = new App();
addStage(app, app.node.tryGetContext('stage') ?? 'dev', {
  account: process.env.CDK_DEFAULT_ACCOUNT,
  region: process.env.CDK_DEFAULT_REGION,
});
