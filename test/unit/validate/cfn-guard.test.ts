import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  CfnGuardError,
  type Exclusion,
  type GuardReport,
  applyExclusions,
  describeVerdict,
  loadExclusions,
  locateGuard,
  parseExclusions,
  parseGuardReport,
  runGuard,
} from '../../../infra/validate/cfn-guard';

/**
 * Recorded with the bundled cfn-guard 3.1.1 on cfn-guard-template.json (beside this file), rules
 * cloudwatch/ct-cloudwatch-pr-2, sqs/, lambda/ct-lambda-pr-2 and lambda/ct-lambda-pr-3:
 * `cfn-guard validate --data <template> --rules <each> --output-format json --show-summary none --structured`.
 */
const recordedOutput = (): unknown => JSON.parse(readFileSync(path.join(__dirname, 'cfn-guard-output.json'), 'utf8'));

const exclusion = (overrides: Partial<Exclusion> & Pick<Exclusion, 'rule' | 'resources'>): Exclusion => ({
  control: 'CT.CLOUDWATCH.PR.2',
  reason: 'A reason long enough to be read by a reviewer of this exclusion.',
  ...overrides,
});

describe('parseGuardReport', () => {
  it('names each failing rule with its control, fix and the logical ids of the resources it failed on', () => {
    const report = parseGuardReport(recordedOutput());

    expect(report.failures).toEqual([
      expect.objectContaining({
        rule: 'cloudwatch_log_group_retention_period_check',
        control: 'CT.CLOUDWATCH.PR.2',
        resources: ['AppLogs', 'AuditLogs'],
      }),
      expect.objectContaining({ rule: 'sqs_dlq_check', control: 'CT.SQS.PR.1', resources: ['DeadLetterQueue'] }),
      expect.objectContaining({
        rule: 'lambda_function_public_access_prohibited_check',
        control: 'CT.LAMBDA.PR.2',
        resources: ['ApiPermission'],
      }),
    ]);
    expect(report.failures[1].fix).toMatch(/^Create a 'RedrivePolicy'/);
  });

  it('counts a rule as not applicable only when neither of its variants (template, hook) was evaluated', () => {
    const report = parseGuardReport(recordedOutput());

    expect(report.compliant).toEqual(['sqs_queue_encrypted_check']);
    expect(report.notApplicable).toEqual(['lambda_inside_vpc_check']);
  });

  it('reads the empty object guard prints for not_compliant when every rule passes', () => {
    const [file] = recordedOutput() as Record<string, unknown>[];
    const report = parseGuardReport([{ ...file, status: 'PASS', not_compliant: {} }]);

    expect(report.failures).toEqual([]);
  });

  it('refuses a report that is not about exactly one template', () => {
    const [file] = recordedOutput() as unknown[];

    expect(() => parseGuardReport([file, file])).toThrow(CfnGuardError);
    expect(() => parseGuardReport({ not: 'a report' })).toThrow(CfnGuardError);
  });
});

describe('applyExclusions', () => {
  const report = (): GuardReport => parseGuardReport(recordedOutput());

  it('keeps a rule failing on the resources its exclusion does not list', () => {
    const verdict = applyExclusions(
      report(),
      [exclusion({ rule: 'cloudwatch_log_group_retention_period_check', resources: ['AppLogs'] })],
      'prod',
    );

    expect(verdict.failures.find((failure) => failure.rule === 'cloudwatch_log_group_retention_period_check')?.resources).toEqual([
      'AuditLogs',
    ]);
    expect(verdict.excluded).toEqual([]);
  });

  it('moves a rule to excluded when every resource it failed on is excluded', () => {
    const verdict = applyExclusions(
      report(),
      [
        exclusion({ rule: 'cloudwatch_log_group_retention_period_check', resources: ['AppLogs', 'AuditLogs'] }),
        exclusion({ rule: 'sqs_dlq_check', control: 'CT.SQS.PR.1', resources: ['DeadLetterQueue'] }),
      ],
      'dev',
    );

    expect(verdict.excluded).toEqual([
      { rule: 'cloudwatch_log_group_retention_period_check', resources: ['AppLogs', 'AuditLogs'] },
      { rule: 'sqs_dlq_check', resources: ['DeadLetterQueue'] },
    ]);
    expect(verdict.failures.map((failure) => failure.rule)).toEqual(['lambda_function_public_access_prohibited_check']);
  });

  it('applies a stage-scoped exclusion on its stages only', () => {
    const devOnly = [exclusion({ rule: 'sqs_dlq_check', control: 'CT.SQS.PR.1', resources: ['DeadLetterQueue'], stages: ['dev'] })];

    expect(applyExclusions(report(), devOnly, 'dev').excluded.map((entry) => entry.rule)).toEqual(['sqs_dlq_check']);
    expect(applyExclusions(report(), devOnly, 'prod').failures.map((failure) => failure.rule)).toContain('sqs_dlq_check');
  });

  it('reports excluded resources the stage no longer fails on, so stale exclusions get removed', () => {
    const verdict = applyExclusions(
      report(),
      [
        exclusion({ rule: 'sqs_dlq_check', control: 'CT.SQS.PR.1', resources: ['DeadLetterQueue', 'RenamedQueue'] }),
        exclusion({ rule: 'lambda_inside_vpc_check', control: 'CT.LAMBDA.PR.3', resources: ['ApiFunction'] }),
        exclusion({ rule: 'lambda_inside_vpc_check', control: 'CT.LAMBDA.PR.3', resources: ['OtherFunction'], stages: ['staging'] }),
      ],
      'dev',
    );

    expect(verdict.unusedExclusions).toEqual([
      { rule: 'sqs_dlq_check', resources: ['RenamedQueue'] },
      { rule: 'lambda_inside_vpc_check', resources: ['ApiFunction'] },
    ]);
  });
});

describe('describeVerdict', () => {
  it('passes with the counts and the excluded rules when nothing is left failing', () => {
    const outcome = describeVerdict({
      passed: ['sqs_queue_encrypted_check'],
      excluded: [{ rule: 'lambda_inside_vpc_check', resources: ['ApiFunction', 'ConsumerFunction'] }],
      failures: [],
      notApplicable: ['s3_bucket_logging_enabled_check'],
      unusedExclusions: [],
    });

    expect(outcome).toEqual({ status: 'pass', detail: '1 rule passed, 1 excluded: lambda_inside_vpc_check (2); 1 not applicable' });
  });

  it('fails naming each rule, its control and the resources left failing, and lists unused exclusions', () => {
    const outcome = describeVerdict({
      passed: [],
      excluded: [],
      failures: [{ rule: 'sqs_dlq_check', control: 'CT.SQS.PR.1', resources: ['DeadLetterQueue'] }],
      notApplicable: [],
      unusedExclusions: [{ rule: 'lambda_inside_vpc_check', resources: ['ApiFunction'] }],
    });

    expect(outcome.status).toBe('fail');
    expect(outcome.detail).toBe(
      '1 rule failed: sqs_dlq_check [CT.SQS.PR.1] on DeadLetterQueue (0 rules passed, 0 excluded; 0 not applicable); ' +
        'unused exclusions (remove them from cfn-guard-exclusions.json): lambda_inside_vpc_check on ApiFunction',
    );
  });
});

describe('exclusions file', () => {
  it('gives every committed exclusion a control, its resources and a reason', () => {
    const exclusions = loadExclusions();

    expect(exclusions.length).toBeGreaterThan(0);
    for (const entry of exclusions) expect(entry.reason.length).toBeGreaterThanOrEqual(40);
  });

  it('refuses an exclusion without a reason or for a stage that does not exist', () => {
    const entry = { rule: 'sqs_dlq_check', control: 'CT.SQS.PR.1', resources: ['DeadLetterQueue'] };

    expect(() => parseExclusions({ exclusions: [{ ...entry, reason: '' }] })).toThrow(CfnGuardError);
    expect(() => parseExclusions({ exclusions: [{ ...entry, reason: 'x'.repeat(40), stages: ['qa'] }] })).toThrow(/stages/);
  });
});

describe('locateGuard', () => {
  it('names the platform when the package bundles no binary for it', () => {
    expect(locateGuard('win32', 'x64')).toEqual({ unavailable: expect.stringContaining('not win32/x64') });
  });
});

describe('runGuard', () => {
  it('rejects with the spawn error code when the binary cannot start, which the check turns into a skip', async () => {
    const missing = { binary: path.join(__dirname, 'no-such-cfn-guard'), rulesDir: __dirname };

    await expect(runGuard(missing, path.join(__dirname, 'cfn-guard-template.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
