import { queueDepth } from '../../ops/pipeline-target';
import type { LocalRuntimeOptions } from '../../local-runtime';
import { measuredCostPerMillion } from './cost-model';
import type { FunctionPhases, MeasuredPhase } from './memory-model';
import { fixedMonthlyObservabilityCost } from './observability-cost';
import type { LoadTarget } from './load-target';
import { startPipeline } from '../../local-runtime';
import { summarizeLatencies } from './percentiles';
import { settleAndVerify } from './pipeline-checks';

const JSON_AUTH = { type: 'headers', headers: { 'content-type': 'application/json' } } as const;

/**
 * A fresh local pipeline (dev stage, embedded emulators) as a load target; it counts everything the
 * run does. Give it the run's seed so the runtime's own random choices replay with the run.
 */
export const localLoadTarget = async (
  options: Pick<LocalRuntimeOptions, 'eventSourceOverrides' | 'log' | 'seed'> = {},
): Promise<LoadTarget> => {
  const pipeline = await startPipeline('orders-load-', options);
  const { runtime, batches } = pipeline;
  const phases = new Map<string, { functionName: string; invocations: MeasuredPhase[]; inits: MeasuredPhase[] }>();
  runtime.events.on('invocation', (record) => {
    let entry = phases.get(record.functionLogicalId);
    if (!entry) {
      entry = { functionName: record.functionName, invocations: [], inits: [] };
      phases.set(record.functionLogicalId, entry);
    }
    if (record.cpuMs !== undefined) entry.invocations.push({ durationMs: record.durationMs, cpuMs: record.cpuMs });
    if (record.init) entry.inits.push(record.init);
  });
  return {
    label: 'local',
    apiUrl: runtime.apiUrl,
    dashboardUrl: runtime.dashboardUrl,
    outputsFile: runtime.outputsFile,
    requestAuth: () => JSON_AUTH,
    settle: async (runId, _sent, accepted, log, signal) => {
      const { quiesced, stored, verification } = await settleAndVerify(pipeline, runId, accepted, log, signal);
      const after = (await queueDepth(pipeline.sqs, runtime.outputs.DeadLetterQueueUrl)).visible;
      return { drained: quiesced, stored, verification, deadLetterMessages: { before: 0, after } };
    },
    measure: (acceptedOrders, stored) => {
      const consumerBatches = batches.filter((batch) => batch.functionName.includes('Consumer'));
      return {
        acceptedToStoredMs: summarizeLatencies(consumerBatches.flatMap((batch) => batch.sentToDoneMs)),
        consumerInvocations: consumerBatches.length,
        requestCounts: runtime.requestCounts(),
        costPerMillion: measuredCostPerMillion(runtime, pipeline.dataDir, acceptedOrders, stored),
        observabilityPerMonth: fixedMonthlyObservabilityCost(runtime.assembly.template),
      };
    },
    invocationPhases: () => {
      const { functions } = runtime.usage();
      const eventSourceFunctions = new Set(batches.map((batch) => batch.functionName));
      return Object.fromEntries(
        [...phases].map(([logicalId, entry]): [string, FunctionPhases] => [
          logicalId,
          { ...entry, memorySizeMb: functions[logicalId]?.memorySizeMb ?? 0, batch: eventSourceFunctions.has(entry.functionName) },
        ]),
      );
    },
    stop: () => pipeline.stop(),
  };
};
