import { escapeHtml, reportPage } from './lib/html-report';
import type { TuneResult } from './tune';

const label = (result: TuneResult) => `${result.batchSize}/${result.maxBatchingWindowSeconds}s/${result.maxConcurrency}`;

/** Cost per million orders against accept→stored p99, one dot per setting: the trade-off at a glance. */
const chart = (results: readonly TuneResult[], recommended: TuneResult | undefined): string => {
  const width = 720;
  const height = 400;
  const margin = 60;
  const xs = results.map((r) => r.acceptedToStoredMs.p99);
  const ys = results.map((r) => r.cost.total);
  const [xMin, xMax] = [0, Math.max(...xs, 1) * 1.1];
  const [yMin, yMax] = [Math.min(...ys) * 0.95, Math.max(...ys) * 1.05];
  const x = (value: number) => margin + ((value - xMin) / (xMax - xMin || 1)) * (width - 2 * margin);
  const y = (value: number) => height - margin - ((value - yMin) / (yMax - yMin || 1)) * (height - 2 * margin);
  const dots = results
    .map((r) => {
      const best = r === recommended;
      return (
        `<circle cx="${x(r.acceptedToStoredMs.p99).toFixed(1)}" cy="${y(r.cost.total).toFixed(1)}" r="${best ? 8 : 5}" fill="${best ? '#d62728' : '#1f77b4'}"><title>${escapeHtml(label(r))}: p99 ${r.acceptedToStoredMs.p99} ms, $${r.cost.total.toFixed(3)}</title></circle>` +
        `<text x="${(x(r.acceptedToStoredMs.p99) + 8).toFixed(1)}" y="${(y(r.cost.total) - 6).toFixed(1)}" font-size="11">${escapeHtml(label(r))}</text>`
      );
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="cost against latency">
<line x1="${margin}" y1="${height - margin}" x2="${width - margin}" y2="${height - margin}" stroke="#333"/>
<line x1="${margin}" y1="${margin}" x2="${margin}" y2="${height - margin}" stroke="#333"/>
<text x="${width / 2}" y="${height - 15}" text-anchor="middle" font-size="13">accept → stored p99 (ms); 0 to ${Math.round(xMax)}</text>
<text x="15" y="${height / 2}" transform="rotate(-90 15 ${height / 2})" text-anchor="middle" font-size="13">$ per million orders (${yMin.toFixed(3)} to ${yMax.toFixed(3)})</text>
${dots}
</svg>`;
};

/** A self-contained HTML page (no scripts, no external assets). */
export const renderTuneReport = (
  results: readonly TuneResult[],
  recommended: TuneResult | undefined,
  context: { readonly p99TargetMs: number; readonly description: string; readonly date: Date },
): string => {
  const rows = results
    .map(
      (r) =>
        `<tr${r === recommended ? ' class="best"' : ''}><td>${r.batchSize}</td><td>${r.maxBatchingWindowSeconds}</td><td>${r.maxConcurrency}</td>` +
        `<td>${r.consumerInvocationsPer1000}</td><td>${r.dynamoDbRequestsPer1000}</td><td>${r.sqsRequestsPer1000}</td>` +
        `<td>${r.acceptedToStoredMs.p50}</td><td>${r.acceptedToStoredMs.p99}</td><td>${r.cost.total.toFixed(3)}</td><td>${r.naiveCost.total.toFixed(3)}</td>` +
        `<td>${r.problems.length === 0 ? 'ok' : escapeHtml(`${r.problems.length} problem(s)`)}</td></tr>`,
    )
    .join('\n');
  const seeds = [...new Set(results.map((r) => r.seed))];
  const verdict = recommended
    ? `Recommended for p99 ≤ ${context.p99TargetMs} ms: batch size ${recommended.batchSize}, window ${recommended.maxBatchingWindowSeconds} s, max concurrency ${recommended.maxConcurrency} ($${recommended.cost.total.toFixed(3)} per million orders, p99 ${recommended.acceptedToStoredMs.p99} ms).`
    : `No setting met p99 ≤ ${context.p99TargetMs} ms.`;
  return reportPage(
    'orders-pipeline batch tuning',
    `<h1>Consumer batch settings: latency against cost</h1>
<p>${escapeHtml(context.description)} Run ${escapeHtml(context.date.toISOString())} on the local emulators; costs at us-east-1 list prices from the counted usage (see load/README.md).${seeds.length > 0 ? ` Orders from seed ${seeds.join(', ')}.` : ''}</p>
<p><strong>${escapeHtml(verdict)}</strong></p>
${chart(results, recommended)}
<table><thead><tr><th>batch size</th><th>window (s)</th><th>max concurrency</th><th>invocations / 1,000</th><th>DynamoDB req / 1,000</th><th>SQS req / 1,000</th><th>accept→stored p50 (ms)</th><th>p99 (ms)</th><th>$ / million orders</th><th>naive design $ / million</th><th>verification</th></tr></thead>
<tbody>
${rows}
</tbody></table>`,
  );
};
