import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { addStage } from '../../infra/stage-app';
import type { CheckContext } from '../../infra/validate/check';
import { createDeployRehearsal } from '../../infra/validate/deploy-rehearsal';
import { type SharedMotoServer, motoUnavailableReason, sharedMotoServer } from '../../infra/validate/rehearsal/moto-server';

/** Synthesizes a stage as `cdk synth` does into a temp dir and describes it as the validate CLI would. */
const synthesizeForCheck = (stage: string, outdir: string): Omit<CheckContext, 'stage'> => {
  // The built-in template validation (a WebAssembly rule engine) costs seconds and changes nothing in the template.
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  const { stack } = addStage(app, stage);
  app.synth();
  const templateFile = path.join(outdir, `${stack.stackName}.template.json`);
  return {
    templateFile,
    template: JSON.parse(readFileSync(templateFile, 'utf8')),
    assemblyDir: outdir,
    stackName: stack.stackName,
    log: () => undefined,
  };
};

// Without python3 and moto the rehearsal cannot run: the tests show as skipped, with the reason, never as passed.
const motoMissing = motoUnavailableReason();
if (motoMissing) console.log(`deploy rehearsal tests skipped: ${motoMissing}`);
const describeWithMoto = motoMissing ? describe.skip : describe;

describeWithMoto('deploy rehearsal on moto_server', () => {
  let outdir: string;
  let dev: Omit<CheckContext, 'stage'>;
  let moto: SharedMotoServer;

  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'validate-rehearsal-'));
    dev = synthesizeForCheck('dev', outdir);
    moto = sharedMotoServer();
  }, 90_000);

  afterAll(async () => {
    await moto?.stop();
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  it('creates the dev stack from its synthesized template and passes its smoke checks, naming what it substituted', async () => {
    const outcome = await createDeployRehearsal({ moto }).run({ ...dev, stage: 'dev' });

    expect(outcome).toEqual({ status: 'pass', detail: expect.stringMatching(/^stack created on moto \d+\.\d+\.\d+ in [\d.]+ s/) });
    expect(outcome.detail).toContain('12 smoke checks passed');
    // The dashboard reads the alarms' ARNs and the ApiUrl output the API's endpoint: moto creates neither.
    expect(outcome.detail).toMatch(/substituted: Resources\.ObservabilityDashboard\w+\.Properties \(Fn::GetAtt Alarms\w+\.Arn/);
    expect(outcome.detail).toContain('Outputs.ApiUrl (Fn::GetAtt HttpApiF5A9A8A7.ApiEndpoint of AWS::ApiGatewayV2::Api)');
    expect(outcome.detail).toContain('checked in the template only, moto does not apply them: consumer architecture');
    // moto has no Lambda aliases: the mapping invokes the consumer itself, and the rehearsal says so.
    expect(outcome.detail).toMatch(
      /EventSource\w+\.Properties\.FunctionName \(alias ConsumerFunctionAliaslive\w+ by its function ConsumerFunction\w+\)/,
    );
    expect(outcome.detail).toMatch(/not modelled by moto, not created: .*Lambda::Alias ×4/);
  }, 60_000);

  it("fails naming each difference when the created stack is not what the stage's config says (dev template, staging config)", async () => {
    const outcome = await createDeployRehearsal({ moto }).run({ ...dev, stage: 'staging' });

    expect(outcome.status).toBe('fail');
    expect(outcome.detail).toContain('queue maxReceiveCount: expected 5, created 3');
    expect(outcome.detail).toContain('event source batching window (s): expected 2, created 1');
    expect(outcome.detail).toContain('event source max concurrency: expected 5, created 2');
  }, 60_000);
});
