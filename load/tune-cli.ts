// npm run tune -- [options]: sweeps consumer batch settings under the same load; see USAGE and docs/load-and-cost.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { HELP, HELP_OPTION, parseCommandLine, UsageError, wholeNumberOption } from '../ops/cli-kit/program';
import { exitInterrupted, onInterrupt, RunInterrupted } from './lib/interrupt';
import { formatRows } from './lib/report-format';
import { PartialTune, recommend, runTune, sweepPoints, TuneResult } from './tune';
import { renderTuneReport } from './tune-report';

const USAGE = `Usage: npm run tune -- [options]
  --batch-sizes LIST      consumer batch sizes (default 10,50,100)
  --windows LIST          batching windows in seconds (default 0,1,3; 0 only with batch size <= 10)
  --concurrency LIST      consumer max concurrency (default 2)
  --orders N              orders per point (default 1000)
  --rate R                requests per second (default 200), the same at every point
  --p99-target-ms MS      latency target for the recommendation (default 5000)
  --out FILE              HTML report (default .local/reports/tune-<time>.html)
  -h, --help              this text`;

const list = (flag: string, raw: string | undefined, fallback: number[], min: number) => {
  if (raw === undefined) return fallback;
  const values = raw.split(',').map(Number);
  if (values.some((value) => !Number.isInteger(value) || value < min)) throw new UsageError(`--${flag} must list whole numbers of at least ${min}, e.g. 10,50 (got "${raw}")`);
  return values;
};

export const parseTuneArgs = (args: string[]) => {
  const text = { type: 'string' } as const;
  const { values } = parseArgs({
    args,
    strict: true,
    options: { 'batch-sizes': text, windows: text, concurrency: text, orders: text, rate: text, 'p99-target-ms': text, out: text, help: HELP_OPTION },
  });
  if (values.help) return HELP;
  return {
    batchSizes: list('batch-sizes', values['batch-sizes'], [10, 50, 100], 1),
    windows: list('windows', values.windows, [0, 1, 3], 0),
    concurrencies: list('concurrency', values.concurrency, [2], 2),
    orders: wholeNumberOption('orders', values.orders) ?? 1000,
    rate: wholeNumberOption('rate', values.rate) ?? 200,
    p99TargetMs: wholeNumberOption('p99-target-ms', values['p99-target-ms']) ?? 5000,
    out: values.out ?? path.join('.local', 'reports', `tune-${new Date().toISOString().replace(/[:.]/g, '-')}.html`),
  };
};

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
      ? [[setting(current.point), `stopped while ${current.load.stoppedWhile}: ${current.load.requests} requests answered, ${current.load.accepted} orders accepted in ${current.load.seconds} s`] as [string, string]]
      : []),
  ];
  return `\nTune sweep interrupted after ${partial.completed.length} of ${partial.points} settings (no report written, no recommendation)\n${rows.length > 0 ? `${formatRows(rows)}\n` : ''}`;
};

const main = async () => {
  const options = parseCommandLine(parseTuneArgs, USAGE);
  const points = sweepPoints(options.batchSizes, options.windows, options.concurrencies);
  if (points.length === 0) {
    process.stderr.write('No valid setting to try: a batch size above 10 needs a window above 0.\n');
    process.exit(2);
  }
  const description = `${options.orders} orders per point at ${options.rate} requests/s (POST /orders, 10 connections).`;
  process.stdout.write(`Sweeping ${points.length} settings; ${description}\n`);
  const interrupt = onInterrupt();
  const results = await runTune(points, { orders: options.orders, connections: 10, rate: options.rate, ordersPerRequest: 1 }, (line) => process.stdout.write(`${line}\n`), interrupt.signal).catch(
    (error: unknown) => {
      if (error instanceof RunInterrupted) exitInterrupted(interrupt, formatPartialTune(error.partial as PartialTune));
      throw error;
    },
  );
  const recommended = recommend(results, options.p99TargetMs);
  mkdirSync(path.dirname(options.out), { recursive: true });
  writeFileSync(options.out, renderTuneReport(results, recommended, { p99TargetMs: options.p99TargetMs, description, date: new Date() }));
  process.stdout.write(`\nReport: ${options.out}\n`);
  process.stdout.write(
    recommended
      ? `Recommended for accept→stored p99 <= ${options.p99TargetMs} ms: batch size ${recommended.batchSize}, window ${recommended.maxBatchingWindowSeconds} s, max concurrency ${recommended.maxConcurrency} ($${recommended.cost.total.toFixed(3)} per million orders, p99 ${recommended.acceptedToStoredMs.p99} ms). Set it in infra/config/stages.ts.\n`
      : `No setting met accept→stored p99 <= ${options.p99TargetMs} ms: raise --p99-target-ms or try smaller windows.\n`,
  );
  const failed = results.filter((result) => result.problems.length > 0);
  if (failed.length > 0) {
    process.stdout.write(`FAILED: ${failed.length} setting(s) lost or doubled orders; see the report.\n`);
    process.exit(1);
  }
  process.exit(0);
};

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`tune run failed: ${error.message}\n`);
    process.exit(1);
  });
}
