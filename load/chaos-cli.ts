import { parseArgs } from 'node:util';
import { HELP, HELP_OPTION, parseCommandLine, UsageError } from '../ops/cli-kit/program';
import { ChaosOptions, ChaosReport, DEFAULT_CHAOS, PartialChaosReport, runChaos } from './chaos';
import { exitInterrupted, onInterrupt, RunInterrupted } from './lib/interrupt';
import { formatCost } from './lib/cost-model';
import { exitWithVerdict, formatRows } from './lib/report-format';

const FLAGS: Record<string, keyof ChaosOptions> = {
  orders: 'orders',
  concurrency: 'concurrency',
  duplicates: 'duplicateRate',
  throttle: 'throttleRate',
  unprocessed: 'unprocessedRate',
  crash: 'crashRate',
  poison: 'poisonRate',
  'latency-ms': 'latencyMs',
};

const USAGE = `Usage: npm run chaos -- [options]   (rates are fractions, e.g. --throttle 0.05)
${Object.entries(FLAGS)
  .map(([flag, key]) => `  --${flag.padEnd(12)} default ${DEFAULT_CHAOS[key]}`)
  .join('\n')}
  -h, --help     this text`;

export const parseChaosArgs = (args: string[]): ChaosOptions | typeof HELP => {
  const { values } = parseArgs({
    args,
    strict: true,
    options: { ...Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag, { type: 'string' } as const])), help: HELP_OPTION },
  });
  if (values.help) return HELP;
  const options: Record<string, number> = { ...DEFAULT_CHAOS };
  for (const [flag, key] of Object.entries(FLAGS)) {
    const raw = (values as Record<string, string | boolean | undefined>)[flag];
    if (typeof raw !== 'string') continue;
    const value = Number(raw);
    const isRate = key.endsWith('Rate');
    if (!Number.isFinite(value) || value < 0 || (isRate && value > 1) || (!isRate && !Number.isInteger(value))) {
      throw new UsageError(`--${flag} must be ${isRate ? 'a fraction from 0 to 1' : 'a non-negative integer'}, got "${raw}"`);
    }
    options[key] = value;
  }
  if (options.orders < 1 || options.concurrency < 1) throw new UsageError('--orders and --concurrency must be at least 1');
  return options as unknown as ChaosOptions;
};

const pct = (rate: number) => `${Math.round(rate * 1000) / 10} %`;

export const formatReport = (report: ChaosReport): string => {
  const { options: o, consumerMetrics: m } = report;
  const rows: [string, string | number][] = [
    ['faults', `duplicates ${pct(o.duplicateRate)}, throttling ${pct(o.throttleRate)}, UnprocessedItems ${pct(o.unprocessedRate)}, crashes ${pct(o.crashRate)}, poison ${pct(o.poisonRate)}`],
    ['orders accepted (202)', report.accepted],
    ['orders stored', report.stored],
    ['missing / stored twice / differing', `${report.verification.missing.length} / ${report.verification.storedTwice.length} / ${report.verification.differing.length}`],
    ['duplicate deliveries injected', report.duplicatesInjected],
    ['duplicates suppressed (consumer metric)', m.duplicatesSkipped ?? 0],
    ['poison messages sent', report.poisonSent],
    ['sent to DLQ, by reason', Object.entries(report.deadLettered).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'],
    ['valid orders in the DLQ', report.validOrdersInDlq],
    ['records redelivered (retries)', report.redeliveredRecords],
    ['in-invocation retries (consumer metric)', m.unprocessedRetries ?? 0],
    ['failed invocations, by cause', Object.entries(report.failedInvocations).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'],
    ['consumer invocations', `${report.invocations} (${report.invocationsPer1000} per 1,000 orders)`],
    ['DynamoDB requests', `${Object.entries(report.requests).filter(([k]) => k.startsWith('dynamodb:')).map(([k, v]) => `${k.slice(9)} ${v}`).join(', ')} (${report.dynamoDbRequestsPer1000} per 1,000 orders)`],
    ['cost, this pipeline (us-east-1 list)', formatCost(report.costPerMillion.pipeline)],
    ['cost, naive PutItem-per-request design', formatCost(report.costPerMillion.naive)],
    ['run time', `${report.seconds} s`],
  ];
  return formatRows(rows);
};

const formatPartialReport = (partial: PartialChaosReport): string =>
  formatRows([
    ['stopped while', partial.stoppedWhile],
    ['orders posted', partial.posted],
    ['orders accepted (202) / not', `${partial.accepted} / ${partial.rejected}`],
    ['poison messages sent', partial.poisonSent],
    ['consumer invocations so far', partial.consumerBatches],
    ['run time', `${partial.seconds} s`],
    ['not done', 'the check that every accepted order is stored once, the DLQ check, cost'],
  ]);

const main = async () => {
  const options = parseCommandLine(parseChaosArgs, USAGE);
  const interrupt = onInterrupt();
  const report = await runChaos(options, (line) => process.stdout.write(`${line}\n`), interrupt.signal).catch((error: unknown) => {
    if (error instanceof RunInterrupted) exitInterrupted(interrupt, `\nChaos run interrupted\n${formatPartialReport(error.partial as PartialChaosReport)}\n`);
    throw error;
  });
  process.stdout.write(`\nChaos run\n${formatReport(report)}\n\n`);
  exitWithVerdict(report.problems);
};

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`chaos run failed: ${error.message}\n`);
    process.exit(1);
  });
}
