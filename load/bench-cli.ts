// npm run bench: throughput, latency and bundle figures, measured in one run on the local emulators (see docs/load-and-cost.md).
import { type HelpShown, cliProgram, parseCommandLine, parseWith, runMain, seedLine, seedOption } from '../ops/cli-kit';
import { newSeed } from '../local-runtime';
import { type BenchReport, type PartialBench, type Throughput, runBench } from './bench';
import { exitInterrupted, onInterrupt, RunInterrupted } from './lib/interrupt';
import { formatRows } from './lib/report-format';

export interface BenchCliOptions {
  /** Fraction of the full run's work. */
  readonly scale: number;
  readonly json: boolean;
  readonly seed: number;
}

const benchProgram = () =>
  cliProgram(
    'npm run bench --',
    'Measures throughput, latency and bundle figures on fresh local emulators and prints them with their targets; asserts nothing.',
  )
    .option('--quick', 'a fifth of the work: rougher figures in under a minute')
    .option(
      '--json',
      "print one JSON object on stdout (progress goes to stderr); run as `npm run -s bench -- --json` so npm's banner stays off stdout",
    )
    .addOption(seedOption());

export const parseBenchArgs = (args: string[]): BenchCliOptions | HelpShown =>
  parseWith(benchProgram(), args, (program) => {
    const options = program.opts<{ quick?: boolean; json?: boolean; seed?: number }>();
    return { scale: options.quick ? 0.2 : 1, json: options.json === true, seed: options.seed ?? newSeed() };
  });

const number = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: 1 });
const rate = (t: Throughput, unit: string) => `${number(t.perSecond)} ${unit}/s (${t.count} in ${t.seconds} s)`;
const times = (a: Throughput, b: Throughput) => `${(a.perSecond / b.perSecond).toFixed(2)}×`;
const verdict = (value: number, target: number) => `target ≤ ${number(target)} ms: ${value <= target ? 'met' : 'missed'}`;

/** The table of whatever the run measured; an interrupted run has only some of it. */
export const formatBench = (r: Partial<BenchReport>): string => {
  const rows: [string, string][] = [];
  if (r.floors) {
    rows.push(
      ['floor: SendMessage (20 concurrent)', rate(r.floors.sendMessage, 'messages')],
      ['floor: SendMessageBatch (10 per call, 20 concurrent)', rate(r.floors.sendMessageBatch, 'messages')],
      ['floor: BatchWriteItem (25 per call, 8 concurrent)', rate(r.floors.batchWriteItem, 'items')],
    );
  }
  if (r.intake && r.floors) {
    rows.push(
      ['intake ceiling: our API handler in-process (20 at a time, logs off)', rate(r.intake.handlerCeiling, 'orders')],
      [
        'intake: POST /orders (20 connections, warmed up)',
        `${rate(r.intake.single, 'orders')} = ${times(r.intake.single, r.floors.sendMessage)} the SendMessage floor, ${times(r.intake.single, r.intake.handlerCeiling)} the handler's ceiling`,
      ],
      [
        'intake: POST /orders/batch, 25 per request (8 connections)',
        `${rate(r.intake.batch, 'orders')} = ${times(r.intake.batch, r.floors.sendMessageBatch)} the SendMessageBatch floor`,
      ],
    );
  }
  if (r.latency) {
    const l = r.latency;
    rows.push([
      `accept → stored at ${l.ordersPerSecond} orders/s (batch size ${l.batchSize}, window ${l.maxBatchingWindowSeconds} s)`,
      `p50 ${number(l.p50Ms)} ms (${verdict(l.p50Ms, l.targetMs.p50)}), p99 ${number(l.p99Ms)} ms (${verdict(l.p99Ms, l.targetMs.p99)}); ${l.samples} orders`,
    ]);
  }
  if (r.consumer && r.floors) {
    const c = r.consumer;
    rows.push(
      [
        'consumer: ours (100 records per event)',
        `${rate(c.ours, 'orders')} = ${times(c.ours, r.floors.batchWriteItem)} the BatchWriteItem floor`,
      ],
      ['consumer: emulator ceiling (same requests, raw SDK)', rate(c.emulatorCeiling, 'orders')],
      ['consumer: ours / emulator ceiling', times(c.ours, c.emulatorCeiling)],
      ['consumer: naive conditional PutItem per message', rate(c.naive, 'orders')],
      ['consumer: ours / naive', times(c.ours, c.naive)],
    );
  }
  if (r.warmInvoke) {
    const w = r.warmInvoke;
    rows.push([
      `warm invoke, empty handler (${number(w.invokes)} in turn)`,
      `p50 ${w.p50Ms} ms (target ≤ ${w.targetP50Ms} ms: ${w.p50Ms <= w.targetP50Ms ? 'met' : 'missed'}), p99 ${w.p99Ms} ms`,
    ]);
  }
  if (r.layerBytes !== undefined) rows.push(['layer size', `${Math.round(r.layerBytes / 1024)} KB`]);
  for (const b of r.bundles ?? [])
    rows.push([`${b.function}: bundle / module init`, `${(b.bundleBytes / 1024).toFixed(1)} KB / ${b.initMs} ms`]);
  for (const m of r.moduleInit ?? [])
    rows.push([
      `${m.function}: module init vs floor (${m.floorClients.length > 0 ? m.floorClients.join(' + ') : 'no'} client${m.floorClients.length === 1 ? '' : 's'})`,
      `${m.initMs} ms (target ≤ ${m.targetMs} ms: ${m.initMs <= m.targetMs ? 'met' : 'missed'}) = ${m.ratio}× the floor's ${m.floorMs} ms (target ≤ ${m.targetRatio}×: ${m.ratio <= m.targetRatio ? 'met' : 'missed'})`,
    ]);
  if (r.seconds !== undefined) rows.push(['elapsed', `${r.seconds} s`]);
  return rows.length > 0 ? formatRows(rows) : '  (nothing measured yet)';
};

const main = async () => {
  const { scale, json, seed } = parseCommandLine(parseBenchArgs);
  const out = (text: string) => process.stdout.write(text);
  // With --json, stdout carries the JSON object alone.
  const log = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);
  const interrupt = onInterrupt();
  const date = new Date().toISOString().slice(0, 10);
  log(seedLine(seed));
  const report = await runBench(log, { scale, seed }, interrupt.signal).catch((error: unknown) => {
    if (!(error instanceof RunInterrupted)) throw error;
    const partial = error.partial as PartialBench;
    return exitInterrupted(
      interrupt,
      json
        ? `${JSON.stringify({ interrupted: true, date, quick: scale < 1, ...partial }, null, 2)}\n`
        : `\nBenchmark interrupted during ${partial.stoppedDuring} (${date}, local emulators; the phases finished so far)\n${seedLine(seed)}\n${formatBench(partial)}\n`,
    );
  });
  if (json) out(`${JSON.stringify({ date, quick: scale < 1, ...report }, null, 2)}\n`);
  else out(`\nBenchmark (${date}, local emulators, one run${scale < 1 ? ', --quick' : ''})\n${seedLine(seed)}\n${formatBench(report)}\n`);
};

if (require.main === module) runMain('bench', main);
