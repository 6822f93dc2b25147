// npm run plan -- --stage <name> [options]: models a stage on AWS's published limits; see --help and docs/capacity.md.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Option } from 'commander';
import { z } from 'zod';
import { getStageConfig, STAGE_NAMES, type StageName } from '../infra/config/stages';
import { newSeed } from '../local-runtime';
import {
  type HelpShown,
  UsageError,
  cliProgram,
  duration,
  fraction,
  parseCommandLine,
  parseWith,
  runMain,
  seedLine,
  seedOption,
  wholeNumber,
  writeStdout,
} from '../ops/cli-kit';
import { MAX_BATCH_ORDERS } from '../shared-layer/src/tooling';
import { formatRows } from './lib/report-format';
import { workFor } from './plan/measured-work';
import { checkCalibration, DEFAULT_CALIBRATION, measureWork } from './plan/calibration';
import { deployedStageOf } from './plan/deployed-stage';
import { plan } from './plan/plan';
import { planSummary, renderPlanReport } from './plan/plan-report';
import type { TrafficProfile } from './plan/simulate';
import { synthesizeStageTemplate } from './plan/stage-template';

const ROOT = path.resolve(__dirname, '..');
const SECONDS_A_MONTH = 30 * 24 * 3600;

const profileSchema = z.object({
  description: z.string().optional(),
  segments: z
    .array(z.object({ atSecond: z.number().min(0), ordersPerSecond: z.number().min(0).max(1_000_000) }))
    .min(1)
    .max(10_000),
  endSecond: z
    .number()
    .positive()
    .max(24 * 3600),
});

/** A traffic profile file: `{ "segments": [{ "atSecond": 0, "ordersPerSecond": 100 }, ...], "endSecond": 900 }`. */
export const readProfile = (file: string): TrafficProfile => {
  if (!existsSync(file)) throw new UsageError(`--profile ${file}: no such file.`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--profile ${file} is not JSON (${(error as Error).message}); see docs/capacity.md for the format.`);
  }
  const parsed = profileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new UsageError(
      `--profile ${file}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'file'}: ${issue.message}`).join('; ')}. See docs/capacity.md for the format.`,
    );
  }
  return { description: parsed.data.description ?? `the profile in ${path.basename(file)}`, ...parsed.data };
};

const planProgram = () =>
  cliProgram(
    'npm run plan --',
    "Models a stage on AWS's published limits: the bottleneck, the sustainable rate, a spike through the queue, the alarms that fire and the cost; writes an HTML report.",
  )
    .addOption(new Option('--stage <name>', 'the stage to model, as its template deploys').choices(STAGE_NAMES))
    .addOption(new Option('--rate <orders/s>', "the spike's base rate (default: the stage's design rate)").argParser(wholeNumber()))
    .addOption(
      new Option('--batch-intake <n>', `orders per POST /orders/batch for the batch-intake figures (2..${MAX_BATCH_ORDERS})`)
        .argParser(wholeNumber({ min: 2, max: MAX_BATCH_ORDERS }))
        .default(MAX_BATCH_ORDERS),
    )
    .option('--profile <file.json>', 'a traffic profile instead of the default spike (see docs/capacity.md)')
    .addOption(
      new Option('--months <orders>', 'orders a month for the monthly cost (default: the design rate around the clock)').argParser(
        wholeNumber(),
      ),
    )
    .addOption(
      new Option('--batch-share <fraction>', 'share of the monthly orders sent through POST /orders/batch').argParser(fraction).default(0),
    )
    .addOption(
      new Option(
        '--table-outage <minutes>',
        'the orders table throttles every write for this long, from the end of the first minute',
      ).argParser(wholeNumber()),
    )
    .option('--calibrate', 'measure this commit on the local runtime and check the model against it (about a minute)', false)
    .option('--json', 'print the result as one JSON object instead of the summary', false)
    .option('--out <file>', 'HTML report (default: .local/reports/plan-<stage>-<time>.html)')
    .addOption(seedOption())
    .addHelpText(
      'after',
      `
Per-order work comes from .local/plan/calibration-<commit>.json (written by --calibrate), else from the reference
measurement committed in load/plan/reference-work.json (the report says which). Exits 1 when the stage does not hold
its design load in the model, or when --calibrate misses its tolerance.`,
    );

export interface PlanCliOptions {
  readonly stage?: StageName;
  readonly rate?: number;
  readonly batchIntake: number;
  readonly profile?: TrafficProfile;
  readonly months?: number;
  readonly batchShare: number;
  readonly tableOutage?: number;
  readonly calibrate: boolean;
  readonly json: boolean;
  readonly out?: string;
  readonly seed: number;
}

export const parsePlanArgs = (args: string[]): PlanCliOptions | HelpShown =>
  parseWith(planProgram(), args, (program) => {
    const options = program.opts<{
      stage?: StageName;
      rate?: number;
      batchIntake: number;
      profile?: string;
      months?: number;
      batchShare: number;
      tableOutage?: number;
      calibrate: boolean;
      json: boolean;
      out?: string;
      seed?: number;
    }>();
    if (!options.stage && !options.calibrate) throw new UsageError('Name a stage with --stage <name>, or run --calibrate.');
    if (options.profile && options.rate)
      throw new UsageError('--rate sets the default spike; a --profile brings its own rates. Pass one of them.');
    return {
      ...options,
      profile: options.profile ? readProfile(options.profile) : undefined,
      seed: options.seed ?? newSeed(),
    };
  });

const calibrate = async (options: PlanCliOptions, log: (line: string) => void): Promise<number> => {
  const { work, devTemplate, file } = await measureWork({ ...DEFAULT_CALIBRATION, seed: options.seed }, ROOT, log);
  const checks = checkCalibration(work, devTemplate, options.seed);
  const failed = checks.filter((check) => !check.holds);
  if (options.json) await writeStdout(`${JSON.stringify({ work, checks }, null, 2)}\n`);
  else {
    process.stdout.write(
      `\nCalibration (local runtime, dev stage settings, ${work.orders} orders at ${work.ordersPerSecond} orders/s)\n${seedLine(options.seed)}\nCached: ${path.relative(ROOT, file)}\n${formatRows(
        checks.map((check) => [
          check.figure,
          `measured ${check.measured}, model ${check.modelled}: ${(check.error * 100).toFixed(1)} % off (tolerance ${check.tolerance * 100} %) ${check.holds ? 'ok' : 'MISSES'}`,
        ]),
      )}\n`,
    );
  }
  if (failed.length > 0) {
    process.stdout.write(
      `FAILED: the model misses ${failed.map((check) => `${check.figure} by ${(check.error * 100).toFixed(1)} %`).join(' and ')}; do not trust its figures for other settings until it holds.\n`,
    );
    return 1;
  }
  return 0;
};

const main = async () => {
  const options = parseCommandLine(parsePlanArgs);
  const started = Date.now();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (options.calibrate && !options.stage) return calibrate(options, log);
  if (options.calibrate) {
    const code = await calibrate(options, log);
    if (code !== 0) return code;
  }
  const stage = options.stage as StageName;
  log(`plan: synthesizing stage ${stage} ...`);
  const template = synthesizeStageTemplate(stage);
  const deployed = deployedStageOf(stage, template);
  const { work, origin } = workFor(ROOT);
  log(`plan: per-order work ${origin}`);
  const design = getStageConfig(stage).designLoad;
  log(`plan: modelling the steady state, the spike and a month ...`);
  const result = plan({
    stage: deployed,
    template: template as never,
    work,
    design,
    batchIntake: options.batchIntake,
    rate: options.rate,
    profile: options.profile,
    volume: {
      ordersPerMonth: options.months ?? (options.rate ?? design.ordersPerSecond) * SECONDS_A_MONTH,
      batchShare: options.batchShare,
    },
    seed: options.seed,
    tableOutageMinutes: options.tableOutage,
  });
  const out = options.out ?? path.join('.local', 'reports', `plan-${stage}-${new Date().toISOString().replace(/[:.]/g, '-')}.html`);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, renderPlanReport(result, { date: new Date(), seed: options.seed }));
  if (options.json) {
    const { scaled, ...rest } = result;
    await writeStdout(
      `${JSON.stringify({ summary: planSummary(result), ...rest, workOrigin: origin, report: out, seed: options.seed }, null, 2)}\n`,
    );
  } else {
    process.stdout.write(`\nCapacity plan: ${stage}\n${seedLine(options.seed)}\n${planSummary(result).join('\n')}\n`);
    for (const target of result.targets) {
      process.stdout.write(
        `to reach ${target.ordersPerSecond.toLocaleString('en-US')} orders/s: ${target.changes.length === 0 ? 'nothing to change' : target.changes.map((change) => change.change).join('; ')}\n`,
      );
    }
    process.stdout.write(`Report: ${out} (in ${duration(Date.now() - started)})\n`);
  }
  return result.verdict.holds ? 0 : 1;
};

if (require.main === module) runMain('plan', main);
