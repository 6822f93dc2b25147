import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { STAGE_NAMES, type StageName } from '../config/stages';
import type { Check, CheckContext, CheckOutcome } from './check';

/**
 * cfn-guard with the AWS Control Tower proactive controls, both bundled by @cdklabs/cdk-validator-cfnguard.
 * The binary runs on the synthesized template rather than as a CDK policy-validation plugin, so each
 * stage gets its own result and its exclusions (cfn-guard-exclusions.json) are applied per stage.
 */

const GUARD_PACKAGE = '@cdklabs/cdk-validator-cfnguard';
export const EXCLUSIONS_FILE = path.join(__dirname, 'cfn-guard-exclusions.json');
/** cfn-guard exits 19 when a rule is not compliant; any other non-zero code is the tool failing. */
const GUARD_NOT_COMPLIANT_EXIT_CODE = 19;
// Loading the ~250 rules takes seconds; a run that has not answered in two minutes is hung.
const GUARD_TIMEOUT_MS = 120_000;
const GUARD_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

export class CfnGuardError extends Error {
  override readonly name = 'CfnGuardError';
}

export interface GuardInstallation {
  readonly binary: string;
  readonly rulesDir: string;
}

/** The package names its binaries by distribution and CPU: bin/{ubuntu,macos}/{x86_64,aarch64}/cfn-guard. */
const BINARY_PLATFORMS: Readonly<Record<string, string>> = { linux: 'ubuntu', darwin: 'macos' };
const BINARY_ARCHITECTURES: Readonly<Record<string, string>> = { x64: 'x86_64', arm64: 'aarch64' };

/** The bundled binary and rules for this machine, or why there are none (the check then skips). */
export const locateGuard = (
  platform: string = process.platform,
  arch: string = process.arch,
): { readonly guard: GuardInstallation } | { readonly unavailable: string } => {
  let packageDir: string;
  try {
    packageDir = path.dirname(require.resolve(`${GUARD_PACKAGE}/package.json`));
  } catch {
    return { unavailable: `${GUARD_PACKAGE} is not installed (run npm ci)` };
  }
  const binaryPlatform = BINARY_PLATFORMS[platform];
  const binaryArch = BINARY_ARCHITECTURES[arch];
  if (!binaryPlatform || !binaryArch) {
    return { unavailable: `${GUARD_PACKAGE} bundles cfn-guard for Linux and macOS on x64/arm64 only, not ${platform}/${arch}` };
  }
  const guard = {
    binary: path.join(packageDir, 'bin', binaryPlatform, binaryArch, 'cfn-guard'),
    rulesDir: path.join(packageDir, 'rules', 'control-tower', 'cfn-guard'),
  };
  if (!existsSync(guard.binary)) return { unavailable: `${GUARD_PACKAGE} has no cfn-guard binary for ${platform}/${arch}` };
  if (!existsSync(guard.rulesDir)) return { unavailable: `${GUARD_PACKAGE} has no Control Tower rules folder` };
  return { guard };
};

// --- cfn-guard's JSON report -------------------------------------------------------------------------------

export interface RuleFailure {
  /** The guard rule name, e.g. sqs_dlq_check: what exclusions name. */
  readonly rule: string;
  /** The Control Tower control it implements, e.g. CT.SQS.PR.1, when its message names one. */
  readonly control?: string;
  readonly fix?: string;
  /** Logical ids of the resources the rule found non-compliant; empty when it reported no resource path. */
  readonly resources: readonly string[];
}

export interface GuardReport {
  readonly compliant: readonly string[];
  /** Rules with nothing to check in this template (no resource of their type). */
  readonly notApplicable: readonly string[];
  readonly failures: readonly RuleFailure[];
}

const guardFileResult = z.object({
  name: z.string(),
  status: z.string(),
  compliant: z.array(z.string()).default([]),
  not_applicable: z.array(z.string()).default([]),
  // An empty object instead of an empty array when every rule passes.
  not_compliant: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]).default([]),
});
const guardRuleResult = z.object({ Rule: z.object({ name: z.string() }) });

const CONTROL_PATTERN = /\[(CT\.[A-Z0-9]+\.PR\.\d+)\]/;
const FIX_PATTERN = /\[FIX\]:\s*(.+)/;
const RESOURCE_PATH_PATTERN = /^\/Resources\/([^/]+)/;

/**
 * Collects what a not-compliant rule's result tree says, whatever its shape: guard nests clauses, blocks,
 * disjunctions and sub-rules differently per rule, but every failed check carries the template `path` it
 * traversed to (/Resources/<logicalId>/...) and the rule's message carries its control id and [FIX] line.
 */
const describeFailure = (ruleResult: unknown): RuleFailure => {
  // Parsed for the name only: the schema would strip the nested checks the walk below needs.
  const { Rule } = guardRuleResult.parse(ruleResult);
  const resources = new Set<string>();
  let control: string | undefined;
  let fix: string | undefined;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'path' && typeof value === 'string') {
        const match = RESOURCE_PATH_PATTERN.exec(value);
        if (match) resources.add(match[1]);
      } else if (key === 'custom_message' && typeof value === 'string') {
        control ??= CONTROL_PATTERN.exec(value)?.[1];
        fix ??= FIX_PATTERN.exec(value)?.[1]?.trim();
      } else {
        visit(value);
      }
    }
  };
  visit(ruleResult);
  return { rule: Rule.name, control, fix, resources: [...resources].sort() };
};

/** Reads `cfn-guard validate --output-format json --structured` output for one template. */
export const parseGuardReport = (output: unknown): GuardReport => {
  const parsed = z.array(guardFileResult).safeParse(output);
  if (!parsed.success) throw new CfnGuardError(`cfn-guard printed a report of unknown shape: ${z.prettifyError(parsed.error)}`);
  const files = parsed.data;
  if (files.length !== 1) throw new CfnGuardError(`cfn-guard reported ${files.length} data files; expected the one template`);
  const [file] = files;
  const failures = Object.values(file.not_compliant).map(describeFailure);
  const failed = new Set(failures.map((failure) => failure.rule));
  const compliant = [...new Set(file.compliant)].filter((rule) => !failed.has(rule)).sort();
  // Each Control Tower rule is written twice (for templates and for CloudFormation hooks) under one name,
  // and the variant that does not apply is reported as not applicable even when the other one ran.
  const evaluated = new Set([...failed, ...compliant]);
  const notApplicable = [...new Set(file.not_applicable)].filter((rule) => !evaluated.has(rule)).sort();
  return { compliant, notApplicable, failures };
};

// --- exclusions --------------------------------------------------------------------------------------------

const exclusionSchema = z.object({
  rule: z.string().min(1),
  control: z.string().regex(/^CT\.[A-Z0-9]+\.PR\.\d+$/),
  /** Logical ids, listed one by one: a new resource of the same kind needs its own review. */
  resources: z.array(z.string().min(1)).min(1),
  /** Stages the exclusion applies to; every stage when absent. */
  stages: z
    .array(z.enum(STAGE_NAMES as [StageName, ...StageName[]]))
    .min(1)
    .optional(),
  reason: z.string().min(40),
});
const exclusionsFileSchema = z.object({ exclusions: z.array(exclusionSchema) });

export type Exclusion = z.infer<typeof exclusionSchema>;

/** Validates the exclusions document: every entry names its rule, control, resources and a reason. */
export const parseExclusions = (content: unknown, source = path.basename(EXCLUSIONS_FILE)): readonly Exclusion[] => {
  const parsed = exclusionsFileSchema.safeParse(content);
  if (!parsed.success) throw new CfnGuardError(`${source} is invalid: ${z.prettifyError(parsed.error)}`);
  return parsed.data.exclusions;
};

export const loadExclusions = (file: string = EXCLUSIONS_FILE): readonly Exclusion[] => {
  let content: unknown;
  try {
    content = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CfnGuardError(`${path.basename(file)} cannot be read: ${(error as Error).message}`);
  }
  return parseExclusions(content, path.basename(file));
};

export interface ExcludedFailure {
  readonly rule: string;
  readonly resources: readonly string[];
}

export interface GuardVerdict {
  /** Rules with at least one check that passed and none failing outside an exclusion. */
  readonly passed: readonly string[];
  /** Rules whose every failing resource is excluded. */
  readonly excluded: readonly ExcludedFailure[];
  /** What is left after exclusions: each rule with the resources no exclusion covers. */
  readonly failures: readonly RuleFailure[];
  readonly notApplicable: readonly string[];
  /** Excluded resources this stage no longer fails on: the exclusion (or that resource in it) can go. */
  readonly unusedExclusions: readonly ExcludedFailure[];
}

const appliesTo = (exclusion: Exclusion, stage: string): boolean =>
  exclusion.stages === undefined || (exclusion.stages as readonly string[]).includes(stage);

export const applyExclusions = (report: GuardReport, exclusions: readonly Exclusion[], stage: string): GuardVerdict => {
  const forStage = exclusions.filter((exclusion) => appliesTo(exclusion, stage));
  const isExcluded = (rule: string, resource: string) =>
    forStage.some((exclusion) => exclusion.rule === rule && exclusion.resources.includes(resource));
  const excluded: ExcludedFailure[] = [];
  const failures: RuleFailure[] = [];
  for (const failure of report.failures) {
    const remaining = failure.resources.filter((resource) => !isExcluded(failure.rule, resource));
    // A failure without a resource path cannot be matched to an exclusion: it always stands.
    if (remaining.length > 0 || failure.resources.length === 0) failures.push({ ...failure, resources: remaining });
    else excluded.push({ rule: failure.rule, resources: failure.resources });
  }
  const failedResources = new Set(report.failures.flatMap((failure) => failure.resources.map((resource) => `${failure.rule} ${resource}`)));
  const unusedExclusions = forStage
    .map((exclusion) => ({
      rule: exclusion.rule,
      resources: exclusion.resources.filter((resource) => !failedResources.has(`${exclusion.rule} ${resource}`)),
    }))
    .filter((unused) => unused.resources.length > 0);
  return { passed: report.compliant, excluded, failures, notApplicable: report.notApplicable, unusedExclusions };
};

// --- the check ---------------------------------------------------------------------------------------------

const rules = (count: number) => `${count} ${count === 1 ? 'rule' : 'rules'}`;
const onResources = (resources: readonly string[]) => (resources.length > 0 ? ` on ${resources.join(', ')}` : ' on the template');

export const describeVerdict = (verdict: GuardVerdict): CheckOutcome => {
  const excluded = verdict.excluded.map((entry) => `${entry.rule} (${entry.resources.length})`).join(', ');
  const counts = `${rules(verdict.passed.length)} passed, ${verdict.excluded.length} excluded${excluded ? `: ${excluded}` : ''}; ${verdict.notApplicable.length} not applicable`;
  const unused =
    verdict.unusedExclusions.length > 0
      ? `; unused exclusions (remove them from cfn-guard-exclusions.json): ${verdict.unusedExclusions
          .map((entry) => `${entry.rule}${onResources(entry.resources)}`)
          .join('; ')}`
      : '';
  if (verdict.failures.length === 0) return { status: 'pass', detail: `${counts}${unused}` };
  const failed = verdict.failures
    .map((failure) => `${failure.rule}${failure.control ? ` [${failure.control}]` : ''}${onResources(failure.resources)}`)
    .join('; ');
  return { status: 'fail', detail: `${rules(verdict.failures.length)} failed: ${failed} (${counts})${unused}` };
};

/**
 * Runs the binary on one template and resolves with its parsed JSON. Rejects with the spawn error when the
 * binary cannot start, and with a CfnGuardError when it ran but failed (timeout, crash, no JSON).
 */
export const runGuard = (guard: GuardInstallation, templateFile: string): Promise<unknown> =>
  new Promise((resolve, reject) => {
    // --structured with no summary: stdout is the JSON document and nothing else.
    const args = [
      'validate',
      '--data',
      templateFile,
      '--rules',
      guard.rulesDir,
      '--output-format',
      'json',
      '--show-summary',
      'none',
      '--structured',
    ];
    execFile(guard.binary, args, { timeout: GUARD_TIMEOUT_MS, maxBuffer: GUARD_MAX_OUTPUT_BYTES }, (error, stdout, stderr) => {
      // A string code (ENOENT, EACCES, ...) means the process never started.
      if (typeof error?.code === 'string') {
        reject(error);
        return;
      }
      const exitCode = error ? error.code : 0;
      if (exitCode !== 0 && exitCode !== GUARD_NOT_COMPLIANT_EXIT_CODE) {
        const why = error?.killed ? `timed out after ${GUARD_TIMEOUT_MS / 1000} s` : `exited with ${exitCode ?? error?.signal}`;
        const firstLine = stderr.trim().split('\n')[0] ?? '';
        reject(new CfnGuardError(`cfn-guard ${why}${firstLine ? `: ${firstLine}` : ''}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout));
      } catch (parseError) {
        reject(new CfnGuardError(`cfn-guard printed no JSON report: ${(parseError as Error).message}`));
      }
    });
  });

/** Errors from starting the binary at all: it cannot run on this machine, which is a skip, not a failure. */
const CANNOT_EXECUTE = new Set(['ENOENT', 'EACCES', 'ENOEXEC', 'EPERM']);

const evaluateTemplate = async (
  guard: GuardInstallation,
  templateFile: string,
  stage: string,
  exclusions: readonly Exclusion[] = loadExclusions(),
): Promise<GuardVerdict> => applyExclusions(parseGuardReport(await runGuard(guard, templateFile)), exclusions, stage);

export const cfnGuard: Check = {
  name: 'cfn-guard',
  async run(context: CheckContext): Promise<CheckOutcome> {
    const located = locateGuard();
    if ('unavailable' in located) return { status: 'skip', detail: located.unavailable };
    let verdict: GuardVerdict;
    try {
      verdict = await evaluateTemplate(located.guard, context.templateFile, context.stage);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (typeof code === 'string' && CANNOT_EXECUTE.has(code)) {
        return { status: 'skip', detail: `the bundled cfn-guard binary cannot run on ${process.platform}/${process.arch} (${code})` };
      }
      if (error instanceof CfnGuardError) return { status: 'fail', detail: error.message };
      throw error;
    }
    for (const failure of verdict.failures) {
      context.log(`${failure.rule}${failure.control ? ` [${failure.control}]` : ''} fix: ${failure.fix ?? 'see the rule'}`);
    }
    return describeVerdict(verdict);
  },
};
