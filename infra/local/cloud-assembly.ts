import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { addStage, cdkJsonContext } from '../stage-app';

export interface CfnResource {
  readonly Type: string;
  // biome-ignore lint/suspicious/noExplicitAny: a template's properties are whatever CloudFormation JSON the CDK wrote; readers check what they use.
  readonly Properties?: Record<string, any>;
}

export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
  readonly Outputs?: Record<string, { Value: unknown }>;
}

export interface StageAssembly {
  readonly stackName: string;
  readonly template: CfnTemplate;
  /** The folder holding the built asset (function bundle or layer) a `Code`/`Content` property points at. */
  assetDir(code: { S3Key?: string }): string;
}

/**
 * Synthesizes a stage exactly as `cdk synth -c stage=<name>` does (same app code, same bundling) into
 * `outdir`, and reads the template and built assets back from the cloud assembly.
 */
export const synthesizeStage = (stageName: string, outdir: string): StageAssembly => {
  // The template checks CDK runs on every synth (a WebAssembly rule engine) cost seconds of CPU per start
  // and change nothing in the template; `npm run synth` and `cdk synth` still run them.
  const app = new App({ outdir, builtinCloudFormationValidation: false, context: cdkJsonContext() });
  const { stack } = addStage(app, stageName);
  const assembly = app.synth();
  const artifact = assembly.getStackByName(stack.stackName);
  return {
    stackName: stack.stackName,
    template: artifact.template as CfnTemplate,
    assetDir(code) {
      if (!code.S3Key) throw new Error(`asset has no S3Key: ${JSON.stringify(code)}`);
      return path.join(assembly.directory, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
    },
  };
};

export const resourcesOfType = (template: CfnTemplate, type: string): [string, CfnResource][] =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
