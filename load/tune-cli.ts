// npm run tune -- [options]: sweeps consumer batch settings under the same load; see --help and docs/load-and-cost.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Option } from 'commander';
import { newSeed } from '../local-runtime';
import {
  type HelpShown,
  UsageError,
  cliProgram,
  parseCommandLine,
  parseWith,
  runMain,
  seedLine,
  seedOption,
  wholeNumber,
  wholeNumberList,
} from '../ops/cli-kit';
import { exitInterrupted, onInterrupt, RunInterrupted } from './lib/interrupt';
import { formatRows } from './lib/report-format';
import { type PartialTune, recommend, runTune, sweepPoints, type TuneResult } from './tune';
import { renderTuneReport } from './tune-report';

const list = (flags: string, description: string, bounds: { min: number }, fallback: number[]) =>
  new Option(flags, description).argParser(wholeNumberList(bounds)).default(fallback, fallback.join(','));

const tuneProgram = () =>
  cliProgram(
    'npm run tune --',
    'Sweeps consumer batch settings under the same load, each on a fresh local pipeline, and writes an HTML report with a recommendation.',
  )
    .addOption(list('--batch-sizes <list>', 'consumer batch sizes', { min: 1 }, [10, 50, 100]))
    .addOption(list('--windows <list>', 'batching windows in seconds (0 only with batch size <= 10)', { min: 0 }, [0, 1, 3]))
    .addOption(list('--concurrency <list>', 'consumer max concurrency', { min: 2 }, [2]))
    .addOption(new Option('--orders <n>', 'orders per point').argParser(wholeNumber()).default(1000))
    .addOption(new Option('--rate <r>', 'requests per second, the same at every point').argParser(wholeNumber()).default(200))
    .addOption(new Option('--p99-target-ms <ms>', 'accept→stored p99 target for the recommendation').argParser(wholeNumber()).default(5000))
    .option('--out <file>', 'HTML report (default: .local/reports/tune-<time>.html)')
    .addOption(seedOption());

export interface TuneCliOptions {
  readonly batchSizes: number[];
  readonly windows: number[];
  readonly concurrencies: number[];
  readonly orders: number;
  readonly rate: number;
  readonly p99TargetMs: number;
  readonly out: string;
  readonly seed: number;
}

export const parseTuneArgs = (args: string[]): TuneCliOptions | HelpShown =>
  parseWith(tuneProgram(), args, (program) => {
    const options = program.opts<{
      batchSizes: number[];
      windows: number[];
      concurrency: number[];
      orders: number;
      rate: number;
      p99TargetMs: number;
      out?: string;
      seed?: number;
    }>();
    if (sweepPoints(options.batchSizes, options.windows, options.concurrency).length === 0) {
      throw new UsageError('No valid setting to try: a batch size above 10 needs a window above 0.');
    }
    return {
      batchSizes: options.batchSizes,
      windows: options.windows,
      concurrencies: options.concurrency,
      orders: options.orders,
      rate: options.rate,
      p99TargetMs: options.p99TargetMs,
      out: options.out ?? path.join('.local', 'reports', `tune-${new Date().toISOString().replace(/[:.]/g, '-')}.html`),
      seed: options.seed ?? newSeed(),
    };
  });

const setting = (point: { batchSize: number; maxBatchingWindowSeconds: number; maxConcurrency: number }) =>
  `batch size ${point.batchSize}, window ${point.maxBatchingWindowSeconds} s, max concurrency ${point.maxConcurrency}`;

const formatPartialTune = (partial: PartialTune): string => {
  const done = (result: TuneResult): [string, string] => [
    setting(result),
    `accept→stored p99 ${result.acceptedToStoredMs.p99} ms, $${result.cost.total.toFixed(3)} per million${result.problems.length > 0 ? `, ${result.problems.length} problem(s)` : ''}`,
  ];
  const current = partial.interrupted;
  const rows: [string, string][] = [
    ...partial.completed.map(done),
    ...(current
      ? [
          [
            setting(current.point),
            `stopped while ${current.load.stoppedWhile}: ${current.load.requests} requests answered, ${current.load.accepted} orders accepted in ${current.load.seconds} s`,
          ] as [string, string],
        ]
      : []),
  ];
  return `\nTune sweep interrupted after ${partial.completed.length} of ${partial.points} settings (no report written, no recommendation)\n${rows.length > 0 ? `${formatRows(rows)}\n` : ''}`;
};

const main = async () => {
  const options = parseCommandLine(parseTuneArgs);
  const points = sweepPoints(options.batchSizes, options.windows, options.concurrencies);
  const description = `${options.orders} orders per point at ${options.rate} requests/s (POST /orders, 10 connections).`;
  process.stdout.write(`Sweeping ${points.length} settings; ${description}\n${seedLine(options.seed)}\n`);
  const interrupt = onInterrupt();
  const load = { orders: options.orders, connections: 10, rate: options.rate, ordersPerRequest: 1, seed: options.seed };
  const results = await runTune(points, load, (line) => process.stdout.write(`${line}\n`), interrupt.signal).catch((error: unknown) => {
    if (error instanceof RunInterrupted)
      exitInterrupted(interrupt, `${formatPartialTune(error.partial as PartialTune)}${seedLine(options.seed)}\n`);
    throw error;
  });
  const recommended = recommend(results, options.p99TargetMs);
  mkdirSync(path.dirname(options.out), { recursive: true });
  writeFileSync(options.out, renderTuneReport(results, recommended, { p99TargetMs: options.p99TargetMs, description, date: new Date() }));
  process.stdout.write(`\nTune sweep\n${seedLine(options.seed)}\nReport: ${options.out}\n`);
  process.stdout.write(
    recommended
      ? `Recommended for accept→stored p99 <= ${options.p99TargetMs} ms: batch size ${recommended.batchSize}, window ${recommended.maxBatchingWindowSeconds} s, max concurrency ${recommended.maxConcurrency} ($${recommended.cost.total.toFixed(3)} per million orders, p99 ${recommended.acceptedToStoredMs.p99} ms). Set it in infra/config/stages.ts.\n`
      : `No setting met accept→stored p99 <= ${options.p99TargetMs} ms: raise --p99-target-ms or try smaller windows.\n`,
  );
  const failed = results.filter((result) => result.problems.length > 0);
  if (failed.length > 0) {
    process.stdout.write(`FAILED: ${failed.length} setting(s) lost or doubled orders; see the report.\n`);
    return 1;
  }
  return 0;
};

if (require.main === module) runMain('tune run', main);
