// npm run validate -- [--stage <name>] [--update]: see --help and docs/deploy.md.
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { Option } from 'commander';
import { STAGE_NAMES, type StageName } from '../config/stages';
import { EXIT_CODES, type HelpShown, cliProgram, duration, parseCommandLine, parseWith, runMain } from '../../ops/cli-kit';
import type { Check, CheckOutcome } from './check';
import { checksFor } from './checks';
import { synthesizeForValidation } from './synthesize';

export interface ValidateOptions {
  readonly stages: readonly StageName[];
  readonly update: boolean;
}

const ROOT = path.resolve(__dirname, '..', '..');
/** Where each stage is synthesized; kept after the run so that a failing template can be read. */
export const assemblyDirFor = (stage: string): string => path.join(ROOT, 'cdk.out', 'validate', stage);

const validateProgram = () =>
  cliProgram(
    'npm run validate --',
    'Synthesizes each stage and checks its template before a deploy: cfn-lint, cfn-guard (Control Tower rules), a deploy rehearsal on moto, and the diff from its reviewed snapshot.',
  )
    .addOption(new Option('--stage <name>', 'validate only this stage (default: every stage)').choices(STAGE_NAMES))
    .option('--update', 'rewrite the template snapshots (infra/validate/snapshots/) instead of failing on a difference', false)
    .addHelpText(
      'after',
      `
Prints one line per stage and check: pass, fail with the reason, or skip with the reason (a tool missing here).
Exits 1 when a check fails; a skip does not fail. See docs/deploy.md for what each check covers.`,
    );

export const parseValidateArgs = (args: string[]): ValidateOptions | HelpShown =>
  parseWith(validateProgram(), args, (program) => {
    const options = program.opts<{ stage?: StageName; update: boolean }>();
    return { stages: options.stage ? [options.stage] : STAGE_NAMES, update: options.update };
  });

export interface Widths {
  readonly stage: number;
  readonly check: number;
}

export const widthsFor = (stages: readonly string[], checkNames: readonly string[]): Widths => ({
  stage: Math.max(8, ...stages.map((stage) => stage.length + 1)),
  check: Math.max(16, ...checkNames.map((name) => name.length + 2)),
});

const DETAIL_INDENT = '    ';

/**
 * One stage's result of one check: `dev      cfn-lint        pass   <detail>`. A detail of several lines (a diff,
 * a list of findings) continues on indented lines below it, so that every line starting in column one is a result.
 */
export const formatLine = (stage: string, check: string, outcome: CheckOutcome, widths: Widths): string => {
  const [first, ...rest] = outcome.detail.split('\n');
  const line = `${stage.padEnd(widths.stage)} ${check.padEnd(widths.check)} ${outcome.status.padEnd(6)} ${first}`.trimEnd();
  return [line, ...rest.map((more) => `${DETAIL_INDENT}${more}`.trimEnd())].join('\n');
};

export interface Result {
  readonly stage: string;
  readonly check: string;
  readonly outcome: CheckOutcome;
}

export const formatSummary = (results: readonly Result[], stages: number, ms: number): string => {
  const count = (status: CheckOutcome['status']) => results.filter((result) => result.outcome.status === status).length;
  const failed = results.filter((result) => result.outcome.status === 'fail').map((result) => `${result.stage} ${result.check}`);
  const skipped = results.filter((result) => result.outcome.status === 'skip').map((result) => `${result.stage} ${result.check}`);
  return [
    `validate: ${stages} ${stages === 1 ? 'stage' : 'stages'}, ${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped in ${duration(ms)}`,
    ...(failed.length > 0 ? [`failed: ${failed.join(', ')}`] : []),
    ...(skipped.length > 0 ? [`skipped (not checked on this machine): ${skipped.join(', ')}`] : []),
  ].join('\n');
};

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const runCheck = async (check: Check, run: () => Promise<CheckOutcome>): Promise<CheckOutcome> => {
  try {
    return await run();
  } catch (error) {
    // A check that throws has not checked anything: that is a failure, never a pass.
    return { status: 'fail', detail: `${check.name} failed to run: ${messageOf(error)}` };
  }
};

export const validate = async (
  options: ValidateOptions,
  out: (text: string) => void,
  progress: (text: string) => void,
): Promise<Result[]> => {
  const checks = checksFor({ update: options.update });
  const widths = widthsFor(options.stages, ['synth', ...checks.map((check) => check.name)]);
  const results: Result[] = [];
  const report = (result: Result) => {
    results.push(result);
    out(`${formatLine(result.stage, result.check, result.outcome, widths)}\n`);
  };
  for (const stage of options.stages) {
    const outdir = assemblyDirFor(stage);
    progress(`${stage}: synthesizing into ${path.relative(ROOT, outdir)} ...\n`);
    rmSync(outdir, { recursive: true, force: true });
    let synthesized: ReturnType<typeof synthesizeForValidation>;
    try {
      synthesized = synthesizeForValidation(stage, outdir);
    } catch (error) {
      // Nothing to check without a template; the other stages still run.
      report({ stage, check: 'synth', outcome: { status: 'fail', detail: messageOf(error) } });
      continue;
    }
    if (synthesized.errors.length > 0) {
      const detail = [`${synthesized.errors.length} errors, as cdk synth would report them`, ...synthesized.errors].join('\n');
      report({ stage, check: 'synth', outcome: { status: 'fail', detail } });
      continue;
    }
    for (const check of checks) {
      const outcome = await runCheck(check, () =>
        check.run({ ...synthesized, stage, log: (line) => progress(`  ${stage} ${check.name}: ${line}\n`) }),
      );
      report({ stage, check: check.name, outcome });
    }
  }
  return results;
};

const main = async (): Promise<number> => {
  const options = parseCommandLine(parseValidateArgs);
  const started = Date.now();
  const results = await validate(
    options,
    (text) => process.stdout.write(text),
    (text) => process.stderr.write(text),
  );
  process.stdout.write(`\n${formatSummary(results, options.stages.length, Date.now() - started)}\n`);
  return results.some((result) => result.outcome.status === 'fail') ? EXIT_CODES.failed : EXIT_CODES.ok;
};

if (require.main === module) runMain('validate', main);
