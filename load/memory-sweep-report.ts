import { escapeHtml, reportPage } from './lib/html-report';
import { type FunctionSweep, type LatencyBounds, type MemoryPoint, meetsBounds, ONE_VCPU_MB } from './lib/memory-model';
import type { MemorySweepReport } from './memory-sweep';

export interface MemorySweepContext {
  readonly description: string;
  readonly bounds: LatencyBounds;
  readonly date: Date;
}

const ms = (value: number) => (value >= 100 ? Math.round(value).toString() : value.toFixed(1));

const boundOf = (sweep: FunctionSweep, bounds: LatencyBounds) => (sweep.batch ? bounds.batchP99Ms : bounds.requestP99Ms);

/** One line per function for the terminal: what it runs at now, what the sweep recommends, and why. */
export const recommendationLine = (sweep: FunctionSweep, recommended: MemoryPoint | undefined, bounds: LatencyBounds): string => {
  const now = sweep.points.find((point) => point.memoryMb === sweep.currentMemoryMb);
  const head = `${sweep.functionName} (dev runs it at ${sweep.currentMemoryMb} MB${now ? `, $${now.costPerMillionOrders.toFixed(4)} per million` : ''}; ${sweep.invocations} invocations, ${sweep.inits} INIT, ${Math.round(sweep.cpuShareOfHandlerTime * 100)} % of handler time CPU)`;
  if (!recommended)
    return `${head}: no memory met ${sweep.batch ? 'batch' : 'request'} p99 <= ${boundOf(sweep, bounds)} ms and INIT <= ${bounds.initMs} ms; loosen a bound or make the function cheaper to run`;
  return (
    `${head}: ${recommended.memoryMb} MB, invocation p50 ${ms(recommended.invocationMs.p50)} ms, p99 ${ms(recommended.invocationMs.p99)} ms, ` +
    `worst INIT ${ms(recommended.initMs.max)} ms, $${recommended.costPerMillionOrders.toFixed(4)} per million orders`
  );
};

const functionTable = (sweep: FunctionSweep, recommended: MemoryPoint | undefined, bounds: LatencyBounds): string => {
  const rows = sweep.points
    .map((point) => {
      const classes = [point === recommended ? 'best' : '', point.memoryMb === sweep.currentMemoryMb ? 'current' : '']
        .filter(Boolean)
        .join(' ');
      return (
        `<tr${classes ? ` class="${classes}"` : ''}><td>${point.memoryMb}${point.memoryMb === sweep.currentMemoryMb ? ' (dev)' : ''}</td>` +
        `<td>${ms(point.invocationMs.p50)}</td><td>${ms(point.invocationMs.p99)}</td><td>${ms(point.initMs.p50)}</td><td>${ms(point.initMs.max)}</td>` +
        `<td>${point.costPerMillionOrders.toFixed(4)}</td><td>${meetsBounds(sweep, point, bounds) ? 'yes' : 'no'}</td></tr>`
      );
    })
    .join('\n');
  return `<h2>${escapeHtml(sweep.functionName)}</h2>
<p>${escapeHtml(recommendationLine(sweep, recommended, bounds))}</p>
<table><thead><tr><th>memory (MB)</th><th>invocation p50 (ms)</th><th>p99 (ms)</th><th>INIT p50 (ms)</th><th>worst INIT (ms)</th><th>Lambda GB-s $ / million orders</th><th>within bounds</th></tr></thead>
<tbody>
${rows}
</tbody></table>`;
};

/** A self-contained HTML page (no scripts, no external assets). */
export const renderMemorySweepReport = (report: MemorySweepReport, context: MemorySweepContext): string =>
  reportPage(
    'orders-pipeline memory per function',
    `<h1>Memory per function: modelled from measured CPU time</h1>
<p>${escapeHtml(context.description)} Run ${escapeHtml(context.date.toISOString())} on the local emulators, orders from seed ${report.seed}; ${report.ordersStored} orders stored.</p>
<p>Each invocation's and INIT's CPU time (user + system, measured in its environment) is stretched by ${ONE_VCPU_MB} / memory below ${ONE_VCPU_MB} MB (one vCPU; no speed-up above it for single-threaded Node); the rest of its wall time (waiting on SQS, DynamoDB) stays as measured. Cost: Lambda duration and INIT GB-s at arm64's price, per million stored orders; requests cost the same at every memory. Bounds: request p99 ≤ ${context.bounds.requestP99Ms} ms, batch p99 ≤ ${context.bounds.batchP99Ms} ms, worst INIT ≤ ${context.bounds.initMs} ms. See docs/load-and-cost.md, "Memory per function".</p>
${report.problems.length > 0 ? `<p><strong>The load run had problems:</strong> ${escapeHtml(report.problems.join('; '))}</p>` : ''}
${report.functions.map((sweep) => functionTable(sweep, report.recommended[sweep.logicalId], context.bounds)).join('\n')}`,
    'tr.current td:first-child { font-weight: bold; }',
  );
