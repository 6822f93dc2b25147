// npm run tune -- [options]: sweeps consumer batch settings under the same load, or (--memory) models each function's
// memory from one load run; see --help and docs/load-and-cost.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { type Command, Option } from 'commander';
import { getStageConfig, isStageName, STAGE_NAMES } from '../infra/config/stages';
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
import { DEFAULT_SWEEP_MEMORIES_MB, type LatencyBounds } from './lib/memory-model';
import { formatRows } from './lib/report-format';
import { runMemorySweep } from './memory-sweep';
import { recommendationLine, renderMemorySweepReport } from './memory-sweep-report';
import { type PartialTune, recommend, runTune, sweepPoints, type TuneResult } from './tune';
import { renderTuneReport } from './tune-report';

/**
 * The memory sweep reads each invocation's waiting as wall time minus CPU time; on a saturated machine a process also
 * waits for a core, which would count as waiting. dev's throttling limit leaves the 2-core machine room.
 */
const MEMORY_SWEEP_RATE = 50;

/**
 * The latency each stage's memory must keep, by stage (--memory's defaults). dev and staging serve developers and
 * rehearsals at light traffic: half a second of handler p99 and 2 s of INIT are tolerable there, and every deploy
 * cold-starts. prod's clients wait on each request and a spike starts hundreds of environments at once: 200 ms of
 * handler p99 and 1 s of INIT; a batch of 200 within 1 s drains the design spike at its max concurrency with room
 * (20 environments × 200 orders a second against 2,000 orders/s: docs/capacity.md).
 */
const MEMORY_BOUNDS: Readonly<Record<string, LatencyBounds>> = {
  dev: { requestP99Ms: 500, batchP99Ms: 2000, initMs: 2000 },
  staging: { requestP99Ms: 500, batchP99Ms: 2000, initMs: 2000 },
  prod: { requestP99Ms: 200, batchP99Ms: 1000, initMs: 1000 },
};
const boundsHelp = (bound: keyof LatencyBounds) =>
  Object.entries(MEMORY_BOUNDS)
    .map(([stage, bounds]) => `${stage} ${bounds[bound]}`)
    .join(', ');

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
    .addOption(
      new Option('--rate <r>', `requests per second, the same at every point (--memory: ${MEMORY_SWEEP_RATE})`)
        .argParser(wholeNumber())
        .default(200),
    )
    .addOption(new Option('--p99-target-ms <ms>', 'accept→stored p99 target for the recommendation').argParser(wholeNumber()).default(5000))
    .option('--out <file>', 'HTML report (default: .local/reports/tune-<time>.html; --memory: memory-<time>.html, and .json beside it)')
    .addOption(seedOption())
    .option('--memory', 'instead of batch settings: one load run, then each function modelled at each memory from its measured CPU time')
    .addOption(list('--memories <list>', '--memory: memories to model, in MB (128 to 10240)', { min: 128 }, [...DEFAULT_SWEEP_MEMORIES_MB]))
    .addOption(
      new Option('--stage <name>', `--memory: run the consumer at this stage's batch settings (${STAGE_NAMES.join(', ')})`).default('dev'),
    )
    .addOption(
      new Option('--request-p99-ms <ms>', `--memory: p99 bound of a request function invocation (${boundsHelp('requestP99Ms')})`).argParser(
        wholeNumber(),
      ),
    )
    .addOption(
      new Option('--batch-p99-ms <ms>', `--memory: p99 bound of a batch (event-source) invocation (${boundsHelp('batchP99Ms')})`).argParser(
        wholeNumber(),
      ),
    )
    .addOption(
      new Option('--init-ms <ms>', `--memory: bound of the worst cold start's INIT (${boundsHelp('initMs')})`).argParser(wholeNumber()),
    )
    .addOption(
      new Option('--reads <n>', '--memory: GET /orders/{orderId} and GET /openapi.json reads after the load')
        .argParser(wholeNumber({ min: 0 }))
        .default(50),
    );

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

export interface MemorySweepCliOptions {
  readonly memory: true;
  readonly memoriesMb: number[];
  readonly stage: string;
  readonly orders: number;
  readonly rate: number;
  readonly reads: number;
  readonly bounds: LatencyBounds;
  readonly out: string;
  readonly seed: number;
}

const BATCH_SWEEP_ONLY = ['batchSizes', 'windows', 'concurrency', 'p99TargetMs'];
const MEMORY_SWEEP_ONLY = ['memories', 'stage', 'requestP99Ms', 'batchP99Ms', 'initMs', 'reads'];
const givenOn = (program: Command, names: readonly string[]) => names.filter((name) => program.getOptionValueSource(name) === 'cli');
const belong = (names: readonly string[]) => `${names.map(flag).join(', ')} ${names.length === 1 ? 'belongs' : 'belong'}`;
const flag = (name: string) => `--${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
const reportFile = (prefix: string) => path.join('.local', 'reports', `${prefix}-${new Date().toISOString().replace(/[:.]/g, '-')}.html`);

const parseMemorySweep = (program: Command): MemorySweepCliOptions => {
  const options = program.opts<{
    memories: number[];
    stage: string;
    orders: number;
    rate: number;
    reads: number;
    requestP99Ms?: number;
    batchP99Ms?: number;
    initMs?: number;
    out?: string;
    seed?: number;
  }>();
  const misplaced = givenOn(program, BATCH_SWEEP_ONLY);
  if (misplaced.length > 0) throw new UsageError(`${belong(misplaced)} to the batch sweep: drop them or drop --memory.`);
  if (!isStageName(options.stage)) throw new UsageError(`Unknown stage "${options.stage}": use one of ${STAGE_NAMES.join(', ')}.`);
  const tooLarge = options.memories.filter((memoryMb) => memoryMb > 10_240);
  if (tooLarge.length > 0) throw new UsageError(`Lambda memory goes from 128 to 10240 MB: ${tooLarge.join(', ')} is out of range.`);
  return {
    memory: true,
    memoriesMb: [...new Set(options.memories)].sort((a, b) => a - b),
    stage: options.stage,
    orders: options.orders,
    rate: program.getOptionValueSource('rate') === 'cli' ? options.rate : MEMORY_SWEEP_RATE,
    reads: options.reads,
    bounds: {
      requestP99Ms: options.requestP99Ms ?? MEMORY_BOUNDS[options.stage].requestP99Ms,
      batchP99Ms: options.batchP99Ms ?? MEMORY_BOUNDS[options.stage].batchP99Ms,
      initMs: options.initMs ?? MEMORY_BOUNDS[options.stage].initMs,
    },
    out: options.out ?? reportFile('memory'),
    seed: options.seed ?? newSeed(),
  };
};

export const parseTuneArgs = (args: string[]): TuneCliOptions | MemorySweepCliOptions | HelpShown =>
  parseWith(tuneProgram(), args, (program) => {
    if (program.opts<{ memory?: boolean }>().memory) return parseMemorySweep(program);
    const misplaced = givenOn(program, MEMORY_SWEEP_ONLY);
    if (misplaced.length > 0) throw new UsageError(`${belong(misplaced)} to the memory sweep: add --memory.`);
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
      out: options.out ?? reportFile('tune'),
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

const memorySweep = async (options: MemorySweepCliOptions): Promise<number> => {
  const { consumer } = getStageConfig(options.stage);
  const settings = {
    batchSize: consumer.batchSize,
    maxBatchingWindowSeconds: consumer.maxBatchingWindow.toSeconds(),
    maxConcurrency: consumer.maxConcurrency,
  };
  const description =
    `${options.orders} orders at ${options.rate} requests/s (POST /orders, 10 connections), the consumer at ${options.stage}'s ${setting(settings)}, ` +
    `then ${options.reads} reads of each of GET /orders/{orderId} and GET /openapi.json.`;
  process.stdout.write(`Memory sweep: ${description}
${seedLine(options.seed)}
`);
  const interrupt = onInterrupt();
  const report = await runMemorySweep(
    {
      load: { orders: options.orders, connections: 10, rate: options.rate, seed: options.seed, consumer: settings },
      reads: options.reads,
      memoriesMb: options.memoriesMb,
      bounds: options.bounds,
    },
    (line) => process.stdout.write(`${line}\n`),
    interrupt.signal,
  ).catch((error: unknown) => {
    // One load run: an interrupted sweep has measured nothing worth modelling.
    if (error instanceof RunInterrupted)
      exitInterrupted(interrupt, `\nMemory sweep interrupted during its load run (no report written)\n${seedLine(options.seed)}\n`);
    throw error;
  });
  const context = { description, bounds: options.bounds, date: new Date() };
  mkdirSync(path.dirname(options.out), { recursive: true });
  writeFileSync(options.out, renderMemorySweepReport(report, context));
  const jsonFile = `${options.out.replace(/\.html?$/, '')}.json`;
  writeFileSync(jsonFile, `${JSON.stringify({ ...context, stage: options.stage, ...report }, null, 2)}\n`);
  const { bounds } = options;
  process.stdout.write(
    `\nMemory sweep (${options.memoriesMb.join(', ')} MB; bounds: request p99 <= ${bounds.requestP99Ms} ms, batch p99 <= ${bounds.batchP99Ms} ms, worst INIT <= ${bounds.initMs} ms)\n` +
      `${seedLine(options.seed)}\nReport: ${options.out} (and ${jsonFile})\n` +
      report.functions.map((sweep) => `  ${recommendationLine(sweep, report.recommended[sweep.logicalId], bounds)}`).join('\n') +
      `\nSet memorySizeMb in infra/config/stages.ts from these, with the figures beside each setting.\n`,
  );
  if (report.problems.length > 0) {
    process.stdout.write(`FAILED: the load run had ${report.problems.length} problem(s): ${report.problems.join('; ')}\n`);
    return 1;
  }
  return 0;
};

const main = async () => {
  const parsed = parseCommandLine(parseTuneArgs);
  if ('memory' in parsed) return memorySweep(parsed);
  const options = parsed;
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
