import { HelpShown, UsageError } from '../../../ops/cli-kit';
import { formatLine, formatSummary, parseValidateArgs, type Result, widthsFor } from '../../../infra/validate/cli';

describe('parseValidateArgs', () => {
  it('validates every stage without updating snapshots when given no options', () => {
    expect(parseValidateArgs([])).toEqual({ stages: ['dev', 'staging', 'prod'], update: false });
  });

  it('validates only the stage --stage names and rewrites snapshots with --update', () => {
    expect(parseValidateArgs(['--stage', 'prod', '--update'])).toEqual({ stages: ['prod'], update: true });
  });

  it('refuses an unknown stage and lists the valid ones with a pointer to --help', () => {
    const parse = () => parseValidateArgs(['--stage', 'nope']);
    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(/argument 'nope' is invalid\. Allowed choices are dev, staging, prod\./);
    expect(parse).toThrow(/npm run validate -- --help/);
  });

  it('refuses arguments it does not know', () => {
    expect(() => parseValidateArgs(['dev'])).toThrow(UsageError);
    expect(() => parseValidateArgs(['--stages', 'dev'])).toThrow(/unknown option '--stages'/);
  });

  it('returns the help text for --help, naming the options', () => {
    const parsed = parseValidateArgs(['--help']);
    expect(parsed).toBeInstanceOf(HelpShown);
    expect((parsed as HelpShown).text).toMatch(/Usage: npm run validate -- \[options\][\s\S]*--stage <name>[\s\S]*--update/);
  });
});

describe('formatLine', () => {
  const widths = widthsFor(['dev', 'staging', 'prod'], ['cfn-lint', 'template-diff']);

  it('prints stage, check, status and detail in fixed columns', () => {
    expect(formatLine('dev', 'cfn-lint', { status: 'pass', detail: 'no errors or warnings' }, widths)).toBe(
      'dev      cfn-lint         pass   no errors or warnings',
    );
    expect(formatLine('staging', 'template-diff', { status: 'skip', detail: 'no tool' }, widths)).toBe(
      'staging  template-diff    skip   no tool',
    );
  });

  it('widens the check column for a longer check name so that the columns stay aligned', () => {
    const wide = widthsFor(['dev'], ['cfn-lint', 'deploy-rehearsal']);
    const lines = [
      formatLine('dev', 'cfn-lint', { status: 'fail', detail: 'x' }, wide),
      formatLine('dev', 'deploy-rehearsal', { status: 'pass', detail: 'y' }, wide),
    ];
    expect(lines[0].indexOf('fail')).toBe(lines[1].indexOf('pass'));
  });

  it('continues a detail of several lines on indented lines below the result line', () => {
    const line = formatLine('prod', 'template-diff', { status: 'fail', detail: '1 change\nResources\n[~] BatchSize' }, widths);
    expect(line.split('\n')).toEqual(['prod     template-diff    fail   1 change', '    Resources', '    [~] BatchSize']);
  });
});

describe('formatSummary', () => {
  const result = (stage: string, check: string, status: 'pass' | 'fail' | 'skip'): Result => ({
    stage,
    check,
    outcome: { status, detail: '' },
  });

  it('counts the outcomes and names the failed and skipped checks', () => {
    const summary = formatSummary(
      [result('dev', 'cfn-lint', 'pass'), result('dev', 'template-diff', 'fail'), result('prod', 'cfn-lint', 'skip')],
      2,
      65_000,
    );
    expect(summary.split('\n')).toEqual([
      'validate: 2 stages, 1 passed, 1 failed, 1 skipped in 1m 5s',
      'failed: dev template-diff',
      'skipped (not checked on this machine): prod cfn-lint',
    ]);
  });

  it('is one line when everything passed', () => {
    expect(formatSummary([result('dev', 'cfn-lint', 'pass')], 1, 3_000)).toBe('validate: 1 stage, 1 passed, 0 failed, 0 skipped in 3s');
  });
});
