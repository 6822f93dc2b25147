import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, CfnElement, type Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { LocalBuild } from '../infra/constructs/local-build';

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
  /** By logical id: how each function and layer that says so is built, for watch mode to rebuild it alone. */
  readonly builds: Readonly<Record<string, LocalBuild>>;
}

const hasLocalBuild = (construct: IConstruct): construct is IConstruct & { localBuild: LocalBuild } =>
  typeof (construct as { localBuild?: unknown }).localBuild === 'object';

/** The constructs that expose a LocalBuild, by the logical id of the CloudFormation resource they define. */
const localBuilds = (stack: Stack): Record<string, LocalBuild> => {
  const builds: Record<string, LocalBuild> = {};
  for (const construct of stack.node.findAll()) {
    const resource = construct.node.defaultChild;
    if (hasLocalBuild(construct) && resource instanceof CfnElement) builds[stack.resolve(resource.logicalId)] = construct.localBuild;
  }
  return builds;
};

/**
 * Synthesizes a stage exactly as `cdk synth -c stage=<name>` does (same app code, same bundling) into
 * `outdir`, and reads the template and built assets back from the cloud assembly.
 */
export const synthesizeStage = (stageName: string, outdir: string): StageAssembly => {
  // The template checks CDK runs on every synth (a WebAssembly rule engine) cost seconds of CPU per start
  // and change nothing in the template; `npm run synth` and `cdk synth` still run them.
  // Required here, not imported: the stage's constructs take seconds to load, and most importers of this module
  // (the runtime reading a template, tests reading a synthesized assembly back) never synthesize.
  const { addStage, cdkJsonContext } = require('../infra/stage-app') as typeof import('../infra/stage-app');
  const app = new App({ outdir, builtinCloudFormationValidation: false, context: cdkJsonContext() });
  const { stack } = addStage(app, stageName);
  return synthesizeStack(app, stack);
};

/** Synthesizes `app` and reads `stack` back from its cloud assembly: any one-stack app the local runtime can run. */
export const synthesizeStack = (app: App, stack: Stack): StageAssembly => {
  const assembly = app.synth();
  const artifact = assembly.getStackByName(stack.stackName);
  return {
    stackName: stack.stackName,
    template: artifact.template as CfnTemplate,
    builds: localBuilds(stack),
    assetDir(code) {
      if (!code.S3Key) throw new Error(`asset has no S3Key: ${JSON.stringify(code)}`);
      return path.join(assembly.directory, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
    },
  };
};

/** A stage another process synthesized into `outdir` (watch mode's synth process), read back. */
export const readStageAssembly = (outdir: string, stackName: string, builds: Readonly<Record<string, LocalBuild>>): StageAssembly => ({
  stackName,
  template: JSON.parse(readFileSync(path.join(outdir, `${stackName}.template.json`), 'utf8')) as CfnTemplate,
  builds,
  assetDir(code) {
    if (!code.S3Key) throw new Error(`asset has no S3Key: ${JSON.stringify(code)}`);
    return path.join(outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
  },
});

export const resourcesOfType = (template: CfnTemplate, type: string): [string, CfnResource][] =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
