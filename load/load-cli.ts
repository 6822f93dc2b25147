// npm run load -- [--stage S] [--orders N] [--connections C] [--rate R] [--batch K]: see --help and load/README.md.
import { Option } from 'commander';
import { MAX_BATCH_ORDERS } from '../shared-layer/src/tooling';
import { STAGE_NAMES } from '../infra/config/stages';
import { newSeed } from '../local-runtime';
import {
  type HelpShown,
  cliProgram,
  confirmByTyping,
  confirmInProduction,
  parseCommandLine,
  parseWith,
  runMain,
  seedLine,
  seedOption,
  wholeNumber,
} from '../ops/cli-kit';
import { formatCost, formatLogBytesPerOrder } from './lib/cost-model';
import { formatFixedMonthlyCost } from './lib/observability-cost';
import { exitInterrupted, onInterrupt, RunInterrupted } from './lib/interrupt';
import { exitWithVerdict, formatRows } from './lib/report-format';
import type { LatencySummary } from './lib/percentiles';
import { stageLoadTarget, TOKEN_VARIABLE } from './lib/stage-load-target';
import { type LoadOptions, type LoadReport, type PartialLoadReport, runLoad, runLoadOn } from './load';

interface CliOptions extends LoadOptions {
  readonly stage?: string;
  readonly yes: boolean;
  readonly seed: number;
}

const loadProgram = () =>
  cliProgram(
    'npm run load --',
    'Sends orders to a fresh local pipeline (or a deployed stage), then checks that every accepted order is stored exactly once.',
  )
    .addOption(new Option('--stage <name>', 'load a deployed stage instead of a fresh local pipeline').choices(STAGE_NAMES))
    .addOption(new Option('--orders <n>', 'orders to send').argParser(wholeNumber()).default(5000).conflicts('duration'))
    .addOption(
      new Option('--duration <s>', 'send for this many seconds instead (as many orders as the connections manage)').argParser(
        wholeNumber({ max: 3600 }),
      ),
    )
    .addOption(new Option('--connections <c>', 'concurrent HTTP connections').argParser(wholeNumber({ max: 1000 })).default(20))
    .addOption(
      new Option(
        '--rate <r>',
        "requests per second over all connections (default: as fast as they go locally, the stage's throttling limit on a stage)",
      ).argParser(wholeNumber()),
    )
    .addOption(
      new Option('--batch <k>', `orders per request: 1 = POST /orders, 2..${MAX_BATCH_ORDERS} = POST /orders/batch`)
        .argParser(wholeNumber({ max: MAX_BATCH_ORDERS }))
        .default(1),
    )
    .option('--yes', 'do not ask before loading prod')
    .addOption(seedOption())
    .addHelpText(
      'after',
      `
Exits 1 if any accepted order is missing, stored twice or changed once the queue has drained.
On a stage: URL and resources come from its stack outputs (AWS_PROFILE / AWS_REGION pick the account);
IAM stages are signed with your credentials, JWT stages take a token from $${TOKEN_VARIABLE}.
The orders it sends stay in the stage's table (orderIds start with "load-").`,
    );

export const parseLoadArgs = (args: string[]): CliOptions | HelpShown =>
  parseWith(loadProgram(), args, (program) => {
    const options = program.opts<{
      stage?: string;
      orders: number;
      duration?: number;
      connections: number;
      rate?: number;
      batch: number;
      yes?: boolean;
      seed?: number;
    }>();
    return {
      stage: options.stage,
      yes: options.yes === true,
      orders: options.duration ? Infinity : options.orders,
      durationSeconds: options.duration,
      connections: options.connections,
      rate: options.rate,
      ordersPerRequest: options.batch,
      seed: options.seed ?? newSeed(),
    };
  });

const round = (value: number) => Math.round(value * 10) / 10;
const ms = (latency: LatencySummary) =>
  `p50 ${round(latency.p50)} ms, p95 ${round(latency.p95)} ms, p99 ${round(latency.p99)} ms, max ${round(latency.max)} ms`;

const formatReport = (report: LoadReport): string => {
  const { measured } = report;
  const notOnAStage = 'not measured on a deployed stage (see load/README.md)';
  const rows: [string, string | number][] = [
    ['target', report.target],
    [
      'requests',
      `${report.requests} in ${report.seconds} s (${report.requestsPerSecond}/s${report.rate ? `, paced at ${report.rate}/s` : ''})`,
    ],
    ['request latency', ms(report.latencyMs)],
    [
      'status counts',
      Object.entries(report.statusCounts)
        .map(([status, count]) => `${status}: ${count}`)
        .join(', '),
    ],
    ['orders accepted', report.accepted],
    ['orders stored', report.stored],
    ...(report.cutOff.sent > 0
      ? [
          [
            'unanswered at the end of the run',
            `${report.cutOff.sent} orders sent, ${report.cutOff.stored} of them stored (not counted as accepted)`,
          ] as [string, string],
        ]
      : []),
    [
      'missing / stored twice / differing',
      `${report.verification.missing.length} / ${report.verification.storedTwice.length} / ${report.verification.differing.length}`,
    ],
    ['settled and checked', `${report.settleSeconds} s after the last request`],
    ['DLQ messages (before → after)', `${report.deadLetterMessages.before} → ${report.deadLetterMessages.after}`],
    ['accepted → stored', measured ? ms(measured.acceptedToStoredMs) : notOnAStage],
    [
      'consumer invocations',
      measured
        ? `${measured.consumerInvocations} (${Math.round((measured.consumerInvocations * 10_000) / Math.max(1, report.accepted)) / 10} per 1,000 orders)`
        : notOnAStage,
    ],
    ['cost, this pipeline (us-east-1 list)', measured ? formatCost(measured.costPerMillion.pipeline) : notOnAStage],
    [
      'log ingestion: bytes per order by line kind',
      measured ? formatLogBytesPerOrder(measured.costPerMillion.logBytesPerOrder) : notOnAStage,
    ],
    ['cost, naive PutItem-per-request design', measured ? formatCost(measured.costPerMillion.naive) : notOnAStage],
    ['observability, fixed per stage', measured ? formatFixedMonthlyCost(measured.observabilityPerMonth) : notOnAStage],
  ];
  return formatRows(rows);
};

const formatPartialReport = (partial: PartialLoadReport): string =>
  formatRows([
    ['target', partial.target],
    ['stopped while', partial.stoppedWhile],
    ['requests answered', `${partial.requests} in ${partial.seconds} s`],
    ['orders sent', partial.ordersSent],
    ['orders accepted', partial.accepted],
    ...(partial.statusCounts
      ? [
          [
            'status counts',
            Object.entries(partial.statusCounts)
              .map(([status, count]) => `${status}: ${count}`)
              .join(', ') || 'none',
          ] as [string, string],
        ]
      : []),
    ...(partial.latencyMs ? [['request latency', ms(partial.latencyMs)] as [string, string]] : []),
    ['not done', 'the check that every accepted order is stored once, accept → stored latency, cost'],
  ]);

const confirmStage = async (stage: string, options: CliOptions): Promise<void> => {
  const what = options.durationSeconds ? `orders for ${options.durationSeconds} s` : `${options.orders} test orders`;
  const confirmed = await confirmInProduction('load-test', `Send ${what} to ${stage}? They stay in its orders table.`, {
    production: stage === 'prod',
    label: stage,
    yes: options.yes,
    interactive: Boolean(process.stdin.isTTY),
    ask: confirmByTyping,
  });
  if (!confirmed) {
    process.stdout.write('Not confirmed: nothing sent.\n');
    process.exit(1);
  }
};

const runOnStage = async (stage: string, options: CliOptions, log: (line: string) => void, signal: AbortSignal): Promise<LoadReport> => {
  log(`reading stack outputs of ${stage} ...`);
  const target = await stageLoadTarget(stage);
  try {
    return await runLoadOn(target, options, log, signal);
  } finally {
    await target.stop();
  }
};

const main = async () => {
  const options = parseCommandLine(parseLoadArgs);
  if (options.stage) await confirmStage(options.stage, options);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(seedLine(options.seed));
  const interrupt = onInterrupt();
  let report: LoadReport;
  try {
    report = options.stage
      ? await runOnStage(options.stage, options, log, interrupt.signal)
      : await runLoad(options, log, interrupt.signal);
  } catch (error) {
    if (error instanceof RunInterrupted) {
      exitInterrupted(
        interrupt,
        `\nLoad run interrupted\n${seedLine(options.seed)}\n${formatPartialReport(error.partial as PartialLoadReport)}\n`,
      );
    }
    throw error;
  }
  process.stdout.write(`\nLoad run\n${seedLine(options.seed)}\n${formatReport(report)}\n\n`);
  if (options.stage) {
    process.stdout.write(
      `The ${report.stored} orders this run stored stay in ${options.stage}'s orders table (orderIds start with "${report.runId}-").\n`,
    );
  }
  exitWithVerdict(report.problems);
};

if (require.main === module) runMain('load run', main);
