import * as path from 'node:path';
import { getStageConfig } from '../config/stages';
import { deployedStageOf } from '../../load/plan/deployed-stage';
import { workFor } from '../../load/plan/measured-work';
import { plan } from '../../load/plan/plan';
import type { Check, CheckContext, CheckOutcome } from './check';

const ROOT = path.resolve(__dirname, '..', '..');
/** Fixed so that a validate run gives the same verdict every time (the spike's arrivals are drawn from it). */
const SEED = 26;

/**
 * Models the stage as its template deploys against the design load it declares in infra/config/stages.ts (the
 * capacity planner's steady state and spike, see docs/capacity.md); fails naming the limit that breaks.
 */
export const designLoad: Check = {
  name: 'design load',
  async run(context: CheckContext): Promise<CheckOutcome> {
    const design = getStageConfig(context.stage).designLoad;
    const stage = deployedStageOf(context.stage, context.template);
    const { work, origin } = workFor(ROOT);
    const result = plan({
      stage,
      template: context.template as never,
      work,
      design,
      batchIntake: 25,
      volume: { ordersPerMonth: 0, batchShare: 0 },
      seed: SEED,
    });
    const spike = `${design.spikeFactor}× ${design.ordersPerSecond} orders/s for ${design.spikeMinutes} min`;
    if (!result.verdict.holds) {
      return {
        status: 'fail',
        detail: `cannot hold ${spike} in the model: ${result.verdict.reasons.join('; ')}. Change the setting in infra/config/stages.ts (npm run plan -- --stage ${context.stage} shows what to change).`,
      };
    }
    return {
      status: 'pass',
      detail: `holds ${spike}: accept→stored p99 ${(result.spike.acceptedToStoredMs.p99 / 1000).toFixed(1)} s (objective ${design.acceptedToStoredP99Seconds} s), none to the DLQ; work ${origin.split(';')[0]}`,
    };
  },
};
