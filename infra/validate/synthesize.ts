import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { addStage, cdkJsonContext } from '../stage-app';

export interface SynthesizedTemplate {
  readonly stackName: string;
  readonly templateFile: string;
  readonly template: Record<string, unknown>;
  readonly assemblyDir: string;
  /** Error annotations (cdk-nag findings, construct validation): `cdk synth` refuses to go on with any. */
  readonly errors: readonly string[];
}

/**
 * The context `cdk synth` gives the app: cdk.json's feature flags and the metadata the CLI turns on. Version
 * reporting stays off: its CDKMetadata resource names the library versions, so every upgrade would alter the
 * snapshots without changing anything that deploys.
 */
export const synthContext = (): Record<string, unknown> => ({
  ...cdkJsonContext(),
  'aws:cdk:enable-path-metadata': true,
  'aws:cdk:enable-asset-metadata': true,
  'aws:cdk:version-reporting': false,
});

/**
 * The account validation synthesizes for. `cdk deploy` synthesizes with the deploying account (infra/bin/app.ts passes
 * CDK_DEFAULT_ACCOUNT), which turns account tokens into literals that policy rules read (e.g. the Lambda permissions'
 * SourceAccount, CT.LAMBDA.PR.2). A placeholder stands in for it; it is moto's default account, so the deploy
 * rehearsal's ARNs match. The region stays a token: each rehearsal picks its own.
 */
export const VALIDATION_ACCOUNT = '123456789012';

/** Synthesizes one stage in-process, as `cdk deploy -c stage=<name>` would for an account, into `outdir`. */
export const synthesizeForValidation = (stage: string, outdir: string): SynthesizedTemplate => {
  const app = new App({ outdir, context: synthContext() });
  const { stack } = addStage(app, stage, { account: VALIDATION_ACCOUNT });
  const assembly = app.synth();
  const artifact = assembly.getStackByName(stack.stackName);
  const templateFile = path.join(assembly.directory, artifact.templateFile);
  return {
    stackName: stack.stackName,
    templateFile,
    template: JSON.parse(readFileSync(templateFile, 'utf8')) as Record<string, unknown>,
    assemblyDir: assembly.directory,
    errors: artifact.messages.filter((message) => message.level === 'error').map((message) => `${message.id}: ${message.entry.data}`),
  };
};
