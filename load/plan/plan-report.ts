import { escapeHtml, lineChart, reportPage } from '../lib/html-report';
import { AWS_MODEL } from './aws-model';
import type { PlanResult } from './plan';
import type { SteadyState } from './steady-state';

const n = (value: number, digits = 0) => value.toLocaleString('en-US', { maximumFractionDigits: digits });

/** The lines the terminal prints and the report heads with. */
export const planSummary = (result: PlanResult): string[] => {
  const { steady, spike, design, stage, monthly } = result;
  const single = steady.single;
  const batch = steady.batch;
  const fired = spike.alarms.filter((alarm) => alarm.firstFiredAt !== undefined);
  return [
    `stage ${stage.stage}: design ${design.ordersPerSecond} orders/s, spike ${design.spikeFactor}× for ${design.spikeMinutes} min, accept→stored p99 ≤ ${design.acceptedToStoredP99Seconds} s, no valid order in the DLQ`,
    `sustainable: ${n(single.sustainableOrdersPerSecond)} orders/s with POST /orders, bottleneck: ${single.limits[0].name}; next: ${single.limits[1].name} (${n(single.limits[1].ordersPerSecond)})`,
    `sustainable: ${n(batch.sustainableOrdersPerSecond)} orders/s with ${batch.ordersPerRequest} orders per POST /orders/batch, bottleneck: ${batch.limits[0].name}; next: ${batch.limits[1].name} (${n(batch.limits[1].ordersPerSecond)})`,
    `spike (${result.profile.description}): ${n(spike.accepted)} accepted, ${n(spike.throttled)} refused, ${n(spike.deadLettered)} to the DLQ; ` +
      `accept→stored p50 ${n(spike.acceptedToStoredMs.p50 / 1000, 1)} s, p99 ${n(spike.acceptedToStoredMs.p99 / 1000, 1)} s; ` +
      `peak queue ${n(spike.peakQueued)}, oldest ${n(spike.peakOldestAgeSeconds)} s, consumer concurrency ${n(spike.peakConcurrency)}; ` +
      `drained ${spike.drainSeconds === undefined ? 'NOT within 2 h' : `${n(spike.drainSeconds)} s after the clients stopped`}; episode $${spike.accepted === 0 ? '0' : n(result.spikeCost, 2)}`,
    `alarms in the spike: ${fired.length === 0 ? 'none fire' : fired.map((alarm) => `${alarm.logicalId} at ${alarm.firstFiredAt} s`).join(', ')}`,
    `a month of ${n(monthly.volume.ordersPerMonth)} orders (${Math.round(monthly.volume.batchShare * 100)} % batch intake): $${n(monthly.total, 2)} ` +
      `($${n(monthly.traffic, 2)} traffic, $${n(monthly.observability.total, 2)} dashboards, alarms and metrics)`,
    result.verdict.holds
      ? `the stage holds its design load in the model`
      : `the stage does NOT hold its design load: ${result.verdict.reasons.join('; ')}`,
  ];
};

const limitsTable = (state: SteadyState) =>
  `<table><thead><tr><th>limit</th><th>orders/s it allows</th><th>kind</th></tr></thead><tbody>
${state.limits.map((limit) => `<tr><td style="text-align:left">${escapeHtml(limit.name)}</td><td>${n(limit.ordersPerSecond)}</td><td>${limit.kind}</td></tr>`).join('\n')}
</tbody></table>`;

/** A self-contained HTML page: the verdict, the limits, the spike over time, the alarms, the month, the AWS model. */
export const renderPlanReport = (result: PlanResult, context: { readonly date: Date; readonly seed: number }): string => {
  const { spike } = result;
  const at = (pick: (s: (typeof spike.samples)[number]) => number) => spike.samples.map((s) => [s.second, pick(s)] as const);
  const costPerOrder = spike.accepted === 0 ? 0 : result.spikeCost / spike.accepted;
  let accepted = 0;
  const cumulativeCost = spike.samples.map((s) => {
    accepted += s.accepted;
    return [s.second, accepted * costPerOrder] as const;
  });
  const markers = spike.alarms.flatMap((alarm) =>
    alarm.firstFiredAt === undefined
      ? []
      : [{ x: alarm.firstFiredAt, label: alarm.logicalId.replace(/^Alarms/, '').replace(/[0-9A-F]{8}$/, '') }],
  );
  const targets = result.targets
    .map(
      (target) =>
        `<h3>${n(target.ordersPerSecond)} orders/s</h3>${
          target.changes.length === 0
            ? '<p>Holds as deployed.</p>'
            : `<ul>${target.changes.map((change) => `<li><strong>${escapeHtml(change.limit)}</strong>: ${escapeHtml(change.change)}</li>`).join('')}</ul>`
        }`,
    )
    .join('\n');
  const model = Object.values(AWS_MODEL)
    .map(
      (entry) =>
        `<tr><td style="text-align:left">${escapeHtml(entry.rule)}</td><td>${n(entry.value)} ${escapeHtml(entry.unit)}</td><td style="text-align:left">${escapeHtml(entry.source)}${'note' in entry ? `<br><em>${escapeHtml(entry.note)}</em>` : ''}</td><td>${entry.checked}${entry.confirmed ? '' : ' (not confirmed)'}</td></tr>`,
    )
    .join('\n');
  const alarms = spike.alarms
    .map(
      (alarm) =>
        `<tr><td style="text-align:left">${escapeHtml(alarm.logicalId)}</td><td>${alarm.watches}</td><td>${alarm.firstFiredAt === undefined ? 'does not fire' : `fires at ${alarm.firstFiredAt} s`}</td></tr>`,
    )
    .join('\n');
  const work = result.work;
  const body = `<h1>Capacity plan: stage ${escapeHtml(result.stage.stage)}</h1>
<p>Modelled ${escapeHtml(context.date.toISOString())} with seed ${context.seed} (replay with --seed ${context.seed}). Settings from the stage's synthesized template; AWS limits and rules from load/plan/aws-model.ts; per-order work measured on the local runtime at commit ${escapeHtml(work.commit)} (${escapeHtml(work.measuredAt)}), local durations × ${result.scaled.cpuFactors.api.toFixed(2)} (API) and × ${result.scaled.cpuFactors.consumer.toFixed(2)} (consumer) for Lambda's CPU share at their memory.</p>
<ul>${planSummary(result)
    .map((line) => `<li>${escapeHtml(line)}</li>`)
    .join('')}</ul>
<h2>Steady state, POST /orders</h2>${limitsTable(result.steady.single)}
<h2>Steady state, ${result.steady.batch.ordersPerRequest} orders per POST /orders/batch</h2>${limitsTable(result.steady.batch)}
<h2>What it takes to reach</h2>${targets}
<h2>Spike: ${escapeHtml(result.profile.description)}</h2>
${lineChart(
  [
    { label: 'queued (visible)', color: '#1f77b4', points: at((s) => s.queued) },
    { label: 'in flight', color: '#ff7f0e', points: at((s) => s.inFlight) },
  ],
  { x: 'seconds', y: 'messages' },
  markers,
)}
${lineChart([{ label: 'age of oldest message (s)', color: '#9467bd', points: at((s) => s.oldestAgeSeconds) }], { x: 'seconds', y: 'seconds' }, markers)}
${lineChart(
  [
    { label: 'consumer concurrency', color: '#2ca02c', points: at((s) => s.consumerConcurrency) },
    { label: 'throttled orders/s', color: '#d62728', points: at((s) => s.throttled) },
  ],
  { x: 'seconds', y: 'invokes / orders' },
  markers,
)}
${lineChart([{ label: 'cost of the episode so far ($)', color: '#8c564b', points: cumulativeCost }], { x: 'seconds', y: 'US dollars' })}
<h3>Alarms</h3><table><thead><tr><th>alarm</th><th>watches</th><th>in the spike</th></tr></thead><tbody>${alarms}</tbody></table>
<h2>A month</h2>
<p>${n(result.monthly.volume.ordersPerMonth)} orders, ${Math.round(result.monthly.volume.batchShare * 100)} % through POST /orders/batch: $${n(result.monthly.total, 2)}. Per million orders: $${result.monthly.perMillion.single.total.toFixed(2)} single, $${result.monthly.perMillion.batch.total.toFixed(2)} batch (list prices, us-east-1, volume tiers on HTTP API requests and Lambda logs; no free tier).</p>
<h2>Per-order work (measured)</h2>
<p>Consumer ${work.consumer.fixedMs} ms + ${work.consumer.perRecordMs} ms per record per invocation (${work.consumer.batches} batches), API ${work.api.msPerRequest} ms per request, ${work.writeUnitsPerOrder} write units, ${work.sqsRequestsPerOrder} SQS requests per order (local settings); log bytes ${n(work.api.logBytesPerRequest)} per API request and ${n(work.consumer.logBytesPerInvocation)} per consumer invocation; ${work.recordEventBytes} bytes per record in the consumer's event.</p>
<h2>The AWS model</h2>
<table><thead><tr><th>rule</th><th>value</th><th>source</th><th>checked</th></tr></thead><tbody>
${model}
</tbody></table>`;
  return reportPage(`orders-pipeline capacity plan: ${result.stage.stage}`, body);
};
