import { readFileSync } from 'node:fs';
import { CFN_LINT_CONFIG, type CfnLintMatch, ignoredRules, judgeFindings } from '../../../infra/validate/cfn-lint';

const match = (level: CfnLintMatch['Level'], id: string): CfnLintMatch => ({
  Level: level,
  Message: `finding of ${id}`,
  Rule: { Id: id },
  Location: { Path: ['Resources', 'OrderQueue', 'Properties'], Start: { LineNumber: 12 } },
});

describe('judgeFindings', () => {
  it('passes with no findings and names the rules the config ignores', () => {
    expect(judgeFindings([], 'cfn-lint 1.51.0', ['W3005'])).toEqual({
      status: 'pass',
      detail: 'no errors or warnings (cfn-lint 1.51.0; W3005 ignored as infra/validate/cfn-lint.yaml explains)',
    });
  });

  it('fails on an error or a warning and lists each with its rule and place', () => {
    const outcome = judgeFindings([match('Warning', 'W3010'), match('Error', 'E3002')], 'cfn-lint 1.51.0');
    expect(outcome.status).toBe('fail');
    expect(outcome.detail.split('\n')).toEqual([
      expect.stringMatching(
        /^1 error, 1 warning \(fix them in infra\/, or ignore a rule with its reason in infra\/validate\/cfn-lint.yaml\)$/,
      ),
      'E3002 Resources/OrderQueue/Properties: finding of E3002',
      'W3010 Resources/OrderQueue/Properties: finding of W3010',
    ]);
  });

  it('does not fail on informational findings', () => {
    expect(judgeFindings([match('Informational', 'I3042')], 'cfn-lint 1.51.0').status).toBe('pass');
  });
});

describe('the committed cfn-lint config', () => {
  it('gives a reason (a comment) above every rule it ignores', () => {
    const config = readFileSync(CFN_LINT_CONFIG, 'utf8');
    const lines = config.split('\n');
    const ignored = ignoredRules(config);
    expect(ignored).toEqual(['W3005']);
    for (const rule of ignored) {
      const at = lines.findIndex((line) => line.trim() === `- ${rule}`);
      expect(lines[at - 1].trim()).toMatch(/^#/);
    }
  });
});
