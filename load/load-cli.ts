// npm run load -- [--orders N] [--connections C] [--rate R] [--batch K]: see USAGE and load/README.md.
import { parseArgs } from 'node:util';
import { MAX_BATCH_ORDERS } from '../shared-layer/src';
import { formatCost } from './lib/cost-model';
import { exitWithVerdict, formatRows } from './lib/report-format';
import { LatencySummary } from './lib/percentiles';
import { LoadOptions, LoadReport, runLoad } from './load';

const USAGE = `Usage: npm run load -- [options]
  --orders N        orders to send (default 5000)
  --duration S      send for S seconds instead (as many orders as the connections manage)
  --connections C   concurrent HTTP connections (default 20)
  --rate R          requests per second over all connections (default: as fast as they go)
  --batch K         orders per request: 1 = POST /orders (default), 2..${MAX_BATCH_ORDERS} = POST /orders/batch
Runs against a fresh local pipeline (embedded emulators) and exits 1 if any accepted order is missing,
stored twice or changed. Deployed stages are not supported yet (see load/README.md).`;

const parseOptions = (): LoadOptions => {
  const { values } = parseArgs({
    options: { orders: { type: 'string' }, duration: { type: 'string' }, connections: { type: 'string' }, rate: { type: 'string' }, batch: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const whole = (flag: string, raw: string | undefined, fallback: number | undefined, max = Number.MAX_SAFE_INTEGER) => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`--${flag} must be a whole number from 1 to ${max}, got "${raw}"`);
    return value;
  };
  if (values.orders !== undefined && values.duration !== undefined) throw new Error('Give --orders or --duration, not both.');
  const durationSeconds = whole('duration', values.duration, undefined, 3600);
  return {
    orders: durationSeconds ? Infinity : (whole('orders', values.orders, 5000) as number),
    durationSeconds,
    connections: whole('connections', values.connections, 20, 1000) as number,
    rate: whole('rate', values.rate, undefined),
    ordersPerRequest: whole('batch', values.batch, 1, MAX_BATCH_ORDERS) as number,
  };
};

const round = (value: number) => Math.round(value * 10) / 10;
const ms = (latency: LatencySummary) => `p50 ${round(latency.p50)} ms, p95 ${round(latency.p95)} ms, p99 ${round(latency.p99)} ms, max ${round(latency.max)} ms`;

const formatReport = (report: LoadReport): string => {
  const rows: [string, string | number][] = [
    ['requests', `${report.requests} in ${report.seconds} s (${report.requestsPerSecond}/s)`],
    ['request latency', ms(report.latencyMs)],
    ['status counts', Object.entries(report.statusCounts).map(([status, count]) => `${status}: ${count}`).join(', ')],
    ['orders accepted', report.accepted],
    ['orders stored', report.stored],
    ...(report.cutOff.sent > 0
      ? [['unanswered at the end of the run', `${report.cutOff.sent} orders sent, ${report.cutOff.stored} of them stored (not counted as accepted)`] as [string, string]]
      : []),
    ['missing / stored twice / differing', `${report.verification.missing.length} / ${report.verification.storedTwice.length} / ${report.verification.differing.length}`],
    ['accepted → stored', ms(report.acceptedToStoredMs)],
    ['consumer invocations', `${report.consumerInvocations} (${Math.round((report.consumerInvocations * 10_000) / Math.max(1, report.accepted)) / 10} per 1,000 orders)`],
    ['cost, this pipeline (us-east-1 list)', formatCost(report.costPerMillion.pipeline)],
    ['cost, naive PutItem-per-request design', formatCost(report.costPerMillion.naive)],
  ];
  return formatRows(rows);
};

const main = async () => {
  let options: LoadOptions;
  try {
    options = parseOptions();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  const report = await runLoad(options, (line) => process.stdout.write(`${line}\n`));
  process.stdout.write(`\nLoad run\n${formatReport(report)}\n\n`);
  exitWithVerdict(report.problems);
};

main().catch((error: Error) => {
  process.stderr.write(`load run failed: ${error.message}\n`);
  process.exit(1);
});
