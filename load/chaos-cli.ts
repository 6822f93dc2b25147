// npm run chaos -- [options]: a fresh local pipeline under injected faults; see --help and docs/load-and-cost.md.
import { Option } from 'commander';
import { newSeed } from '../local-runtime';
import {
  type HelpShown,
  cliProgram,
  fraction,
  parseCommandLine,
  parseWith,
  runMain,
  seedLine,
  seedOption,
  wholeNumber,
} from '../ops/cli-kit';
import { type ChaosOptions, type ChaosReport, DEFAULT_CHAOS, type PartialChaosReport, runChaos } from './chaos';
import { exitInterrupted, onInterrupt, RunInterrupted } from './lib/interrupt';
import { formatCost } from './lib/cost-model';
import { formatFixedMonthlyCost } from './lib/observability-cost';
import { exitWithVerdict, formatRows } from './lib/report-format';

const option = (flags: string, description: string, parse: (raw: string) => number, fallback: number) =>
  new Option(flags, description).argParser(parse).default(fallback);

const chaosProgram = () =>
  cliProgram(
    'npm run chaos --',
    'Runs a fresh local pipeline under injected faults and checks that every accepted order is stored exactly once.',
  )
    .addOption(option('--orders <n>', 'orders to send', wholeNumber(), DEFAULT_CHAOS.orders))
    .addOption(option('--concurrency <n>', 'orders posted at once', wholeNumber(), DEFAULT_CHAOS.concurrency))
    .addOption(option('--duplicates <rate>', 'fraction of records the event source delivers twice', fraction, DEFAULT_CHAOS.duplicateRate))
    .addOption(
      option(
        '--throttle <rate>',
        'fraction of DynamoDB batch calls answered with a throttling error',
        fraction,
        DEFAULT_CHAOS.throttleRate,
      ),
    )
    .addOption(
      option(
        '--unprocessed <rate>',
        'fraction of BatchWriteItem calls that return half their items as UnprocessedItems',
        fraction,
        DEFAULT_CHAOS.unprocessedRate,
      ),
    )
    .addOption(
      option(
        '--crash <rate>',
        "fraction of BatchWriteItem calls after which the consumer's environment dies",
        fraction,
        DEFAULT_CHAOS.crashRate,
      ),
    )
    .addOption(
      option(
        '--poison <rate>',
        'poison messages sent straight to the queue, as a fraction of --orders',
        fraction,
        DEFAULT_CHAOS.poisonRate,
      ),
    )
    .addOption(option('--latency-ms <ms>', 'latency added to each DynamoDB batch call', wholeNumber({ min: 0 }), DEFAULT_CHAOS.latencyMs))
    .addOption(
      option(
        '--storm <seconds>',
        'a throttle storm: every DynamoDB batch call throttled for this long, from the first one (at most 3600)',
        // A local run: an hour of storm is already longer than any stage declares to outlast but prod.
        wholeNumber({ min: 0, max: 3600 }),
        DEFAULT_CHAOS.throttleStormSeconds,
      ),
    )
    .addOption(
      new Option(
        '--outlast <seconds>',
        "the storm the consumer's redelivery backoff is sized to outlast (default: 1.25 × --storm, at least maxReceiveCount × the visibility timeout)",
      ).argParser(wholeNumber({ min: 0 })),
    )
    .addOption(seedOption())
    .addHelpText('after', '\nRates are fractions: --throttle 0.05 throttles 5 % of the calls.');

export const parseChaosArgs = (args: string[]): (ChaosOptions & { readonly seed: number }) | HelpShown =>
  parseWith(chaosProgram(), args, (program) => {
    const options = program.opts<{
      orders: number;
      concurrency: number;
      duplicates: number;
      throttle: number;
      unprocessed: number;
      crash: number;
      poison: number;
      latencyMs: number;
      storm: number;
      outlast?: number;
      seed?: number;
    }>();
    return {
      ...DEFAULT_CHAOS,
      orders: options.orders,
      concurrency: options.concurrency,
      duplicateRate: options.duplicates,
      throttleRate: options.throttle,
      unprocessedRate: options.unprocessed,
      crashRate: options.crash,
      poisonRate: options.poison,
      latencyMs: options.latencyMs,
      throttleStormSeconds: options.storm,
      ...(options.outlast === undefined ? {} : { stormToOutlastSeconds: options.outlast }),
      seed: options.seed ?? newSeed(),
    };
  });

const pct = (rate: number) => `${Math.round(rate * 1000) / 10} %`;

export const formatReport = (report: ChaosReport): string => {
  const { options: o, consumerMetrics: m } = report;
  const rows: [string, string | number][] = [
    [
      'faults',
      `duplicates ${pct(o.duplicateRate)}, throttling ${pct(o.throttleRate)}, UnprocessedItems ${pct(o.unprocessedRate)}, crashes ${pct(o.crashRate)}, poison ${pct(o.poisonRate)}${o.throttleStormSeconds > 0 ? `, throttle storm ${o.throttleStormSeconds} s` : ''}`,
    ],
    [
      'faults injected on the wire',
      `${report.faultsInjected.throttledCalls} calls throttled, ${report.faultsInjected.unprocessedItems} items left unprocessed, ${report.faultsInjected.crashes} writes crashed their caller`,
    ],
    [
      'redelivery backoff (consumer)',
      `${report.redelivery.firstDelaySeconds} s after the first failed receive, doubling: ${report.redelivery.maxReceiveCount} receives span ${report.redelivery.windowSeconds} s`,
    ],
    ['orders accepted (202)', report.accepted],
    ['orders stored', report.stored],
    [
      'missing / stored twice / differing',
      `${report.verification.missing.length} / ${report.verification.storedTwice.length} / ${report.verification.differing.length}`,
    ],
    ['duplicate deliveries injected', report.duplicatesInjected],
    ['duplicates suppressed (consumer metric)', m.duplicatesSkipped ?? 0],
    ['poison messages sent', report.poisonSent],
    [
      'sent to DLQ, by reason',
      Object.entries(report.deadLettered)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none',
    ],
    ['valid orders in the DLQ', report.validOrdersInDlq],
    ['records redelivered (retries)', report.redeliveredRecords],
    ['in-invocation retries (consumer metric)', m.unprocessedRetries ?? 0],
    ['records held back (consumer metric)', m.recordsHeldBack ?? 0],
    [
      'failed invocations, by cause',
      Object.entries(report.failedInvocations)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none',
    ],
    ['consumer invocations', `${report.invocations} (${report.invocationsPer1000} per 1,000 orders)`],
    [
      'DynamoDB requests',
      `${Object.entries(report.requests)
        .filter(([k]) => k.startsWith('dynamodb:'))
        .map(([k, v]) => `${k.slice(9)} ${v}`)
        .join(', ')} (${report.dynamoDbRequestsPer1000} per 1,000 orders)`,
    ],
    ['cost, this pipeline (us-east-1 list)', formatCost(report.costPerMillion.pipeline)],
    ['cost, naive PutItem-per-request design', formatCost(report.costPerMillion.naive)],
    ['observability, fixed per stage', formatFixedMonthlyCost(report.observabilityPerMonth)],
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
  const options = parseCommandLine(parseChaosArgs);
  // runChaos prints the seed first; the summary repeats it.
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const interrupt = onInterrupt();
  const report = await runChaos(options, log, interrupt.signal).catch((error: unknown) => {
    if (error instanceof RunInterrupted)
      exitInterrupted(
        interrupt,
        `\nChaos run interrupted\n${seedLine(options.seed)}\n${formatPartialReport(error.partial as PartialChaosReport)}\n`,
      );
    throw error;
  });
  process.stdout.write(`\nChaos run\n${seedLine(options.seed)}\n${formatReport(report)}\n\n`);
  exitWithVerdict(report.problems);
};

if (require.main === module) runMain('chaos run', main);
