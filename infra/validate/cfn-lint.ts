import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Check, CheckContext, CheckOutcome } from './check';

/** The committed settings: every ignored rule is listed there with its reason. */
export const CFN_LINT_CONFIG = path.join(__dirname, 'cfn-lint.yaml');
const CONFIG_NAME = path.relative(path.resolve(__dirname, '..', '..'), CFN_LINT_CONFIG);

/** The rule ids the config ignores, for the pass line (the config says why). */
export const ignoredRules = (config: string): string[] => [...config.matchAll(/^\s*-\s*([EWI]\d+)\b/gm)].map((match) => match[1]);

// A template of this size lints in a few seconds; far longer means cfn-lint hangs (e.g. on a broken Python).
const TIMEOUT_MS = 120_000;

/** One finding of `cfn-lint --format json`. */
export interface CfnLintMatch {
  readonly Level: 'Error' | 'Warning' | 'Informational';
  readonly Message: string;
  readonly Rule: { readonly Id: string };
  readonly Location: { readonly Path?: readonly (string | number)[]; readonly Start: { readonly LineNumber: number } };
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly missing: boolean;
}

const run = (args: readonly string[]): Promise<Run> =>
  new Promise((resolve) => {
    execFile('cfn-lint', [...args], { timeout: TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      // ENOENT: not on PATH. 127: a shim (pyenv, asdf) is on PATH but the active Python has no cfn-lint.
      const missing = error?.code === 'ENOENT' || code === 127;
      resolve({ code, stdout, stderr, missing });
    });
  });

const where = (match: CfnLintMatch): string =>
  match.Location.Path ? match.Location.Path.join('/') : `line ${match.Location.Start.LineNumber}`;

export const describeMatch = (match: CfnLintMatch): string => `${match.Rule.Id} ${where(match)}: ${match.Message}`;

const counted = (count: number, what: string): string => `${count} ${what}${count === 1 ? '' : 's'}`;

/** The verdict on cfn-lint's findings: every error and every warning not ignored in the config fails the check. */
export const judgeFindings = (matches: readonly CfnLintMatch[], version: string, ignored: readonly string[] = []): CheckOutcome => {
  const errors = matches.filter((match) => match.Level === 'Error');
  const warnings = matches.filter((match) => match.Level === 'Warning');
  if (errors.length + warnings.length === 0) {
    const ignores = ignored.length > 0 ? `${ignored.join(', ')} ignored as ${CONFIG_NAME} explains` : 'nothing ignored';
    return { status: 'pass', detail: `no errors or warnings (${version}; ${ignores})` };
  }
  return {
    status: 'fail',
    detail: [
      `${counted(errors.length, 'error')}, ${counted(warnings.length, 'warning')} (fix them in infra/, or ignore a rule with its reason in ${CONFIG_NAME})`,
      ...[...errors, ...warnings].map(describeMatch),
    ].join('\n'),
  };
};

const SKIP: CheckOutcome = {
  status: 'skip',
  detail: 'cfn-lint is not installed here (pip install cfn-lint, then run again)',
};

/** Lints the template against the CloudFormation resource specification with the `cfn-lint` found on PATH. */
export const cfnLint: Check = {
  name: 'cfn-lint',
  async run(context: CheckContext): Promise<CheckOutcome> {
    const probe = await run(['--version']);
    if (probe.missing || probe.code !== 0) return SKIP;
    const version = probe.stdout.trim() || probe.stderr.trim();
    context.log(`${version} on ${path.relative(process.cwd(), context.templateFile)}`);
    const result = await run(['--format', 'json', '--config-file', CFN_LINT_CONFIG, '--', context.templateFile]);
    // Exit codes are flags: 2 errors, 4 warnings, 8 informational; 1 (or anything without JSON) is cfn-lint failing.
    let matches: CfnLintMatch[];
    try {
      matches = JSON.parse(result.stdout) as CfnLintMatch[];
    } catch {
      const output = `${result.stderr}${result.stdout}`.trim().split('\n').slice(-5).join('\n');
      return { status: 'fail', detail: `cfn-lint could not lint the template (exit ${result.code ?? 'timeout'})\n${output}` };
    }
    return judgeFindings(matches, version, ignoredRules(readFileSync(CFN_LINT_CONFIG, 'utf8')));
  },
};
