import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  type GuardReport,
  type GuardVerdict,
  applyExclusions,
  cfnGuard,
  describeVerdict,
  loadExclusions,
  locateGuard,
  parseGuardReport,
  runGuard,
} from '../../infra/validate/cfn-guard';
import { synthesizeForValidation } from '../../infra/validate/synthesize';

const located = locateGuard();
// The package bundles binaries for Linux and macOS on x64/arm64 only; elsewhere the check skips.
const describeWithGuard = 'guard' in located ? describe : describe.skip;

describeWithGuard('cfn-guard on the dev stage', () => {
  let outdir: string;
  let templateFile: string;
  let report: GuardReport;
  let verdict: GuardVerdict;

  beforeAll(async () => {
    if (!('guard' in located)) throw new Error(located.unavailable);
    outdir = mkdtempSync(path.join(tmpdir(), 'orders-pipeline-cfn-guard-'));
    // As npm run validate synthesizes it: for an account, as cdk deploy does.
    templateFile = synthesizeForValidation('dev', outdir).templateFile;
    report = parseGuardReport(await runGuard(located.guard, templateFile));
    verdict = applyExclusions(report, loadExclusions(), 'dev');
  }, 120_000);

  afterAll(() => {
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  it('leaves no failure outside the reviewed exclusions', () => {
    expect(verdict.failures.map((failure) => failure.rule)).toEqual([]);
  });

  it('uses every exclusion that applies to dev, each under the control the rule reports', () => {
    expect(verdict.unusedExclusions).toEqual([]);
    for (const exclusion of loadExclusions()) {
      const failure = report.failures.find((candidate) => candidate.rule === exclusion.rule);
      if (failure) expect({ rule: exclusion.rule, control: failure.control }).toEqual({ rule: exclusion.rule, control: exclusion.control });
    }
  });

  it('reports a pass for the stage with nothing to log', async () => {
    const lines: string[] = [];
    const outcome = await cfnGuard.run({
      stage: 'dev',
      templateFile,
      template: JSON.parse(readFileSync(templateFile, 'utf8')),
      assemblyDir: outdir,
      stackName: 'OrdersPipeline-dev',
      log: (line) => lines.push(line),
    });

    expect(outcome).toEqual(describeVerdict(verdict));
    expect(outcome.status).toBe('pass');
    expect(lines).toEqual([]);
  }, 60_000);
});
