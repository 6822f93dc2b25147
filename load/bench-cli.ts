// npm run bench: throughput and bundle figures, measured in one run on the local emulators (see the README).
import { parseArgs } from 'node:util';
import { HELP, HELP_OPTION, parseCommandLine } from '../infra/ops/cli-options';
import { BenchReport, Throughput, runBench } from './bench';
import { formatRows } from './lib/report-format';

const USAGE = `Usage: npm run bench -- [options]
  --quick       a fifth of the work: rougher figures in under a minute
  -h, --help    this text
Measures on fresh local emulators and prints figures; asserts nothing.`;

export interface BenchCliOptions {
  /** Fraction of the full run's work. */
  readonly scale: number;
}

export const parseBenchArgs = (args: string[]): BenchCliOptions | typeof HELP => {
  const { values } = parseArgs({ args, strict: true, options: { quick: { type: 'boolean', default: false }, help: HELP_OPTION } });
  if (values.help) return HELP;
  return { scale: values.quick ? 0.2 : 1 };
};

const rate = (t: Throughput, unit: string) => `${t.perSecond.toLocaleString('en-US')} ${unit}/s (${t.count} in ${t.seconds} s)`;
const ratio = (a: Throughput, b: Throughput) => `${(a.perSecond / b.perSecond).toFixed(2)}×`;

const format = (r: BenchReport): string => {
  const rows: [string, string][] = [
    ['floor: SendMessage (20 concurrent)', rate(r.floors.sendMessage, 'messages')],
    ['floor: SendMessageBatch (10 per call, 20 concurrent)', rate(r.floors.sendMessageBatch, 'messages')],
    ['floor: BatchWriteItem (25 per call, 8 concurrent)', rate(r.floors.batchWriteItem, 'items')],
    ['intake: POST /orders (20 connections)', `${rate(r.intake.single, 'orders')} = ${ratio(r.intake.single, r.floors.sendMessage)} the SendMessage floor`],
    ['intake: POST /orders/batch, 25 per request (8 connections)', `${rate(r.intake.batch, 'orders')} = ${ratio(r.intake.batch, r.floors.sendMessageBatch)} the SendMessageBatch floor`],
    ['consumer: ours (100 records per event)', `${rate(r.consumer.ours, 'orders')} = ${ratio(r.consumer.ours, r.floors.batchWriteItem)} the BatchWriteItem floor`],
    ['consumer: naive conditional PutItem per message', rate(r.consumer.naive, 'orders')],
    ['consumer: ours / naive', ratio(r.consumer.ours, r.consumer.naive)],
    ['layer size', `${Math.round(r.layerBytes / 1024)} KB`],
    ...r.bundles.map((b): [string, string] => [`${b.function}: bundle / module init`, `${(b.bundleBytes / 1024).toFixed(1)} KB / ${b.initMs} ms`]),
  ];
  return formatRows(rows);
};

if (require.main === module) {
  const { scale } = parseCommandLine(parseBenchArgs, USAGE);
  runBench((line) => process.stdout.write(`${line}\n`), scale)
    .then((report) => {
      process.stdout.write(`\nBenchmark (${new Date().toISOString().slice(0, 10)}, local emulators, one run)\n${format(report)}\n`);
      process.exit(0);
    })
    .catch((error: Error) => {
      process.stderr.write(`bench failed: ${error.message}\n`);
      process.exit(1);
    });
}
