import * as path from 'node:path';
import { synthesizeStage } from '../../local-runtime';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * The stage's template as `cdk synth` builds it (addStage: the same stack, tags and settings), synthesized in-process
 * into cdk.out/plan/<stage>. The planner reads its settings from here, never from a copy of the config.
 */
export const synthesizeStageTemplate = (stage: string): Readonly<Record<string, unknown>> =>
  synthesizeStage(stage, path.join(ROOT, 'cdk.out', 'plan', stage)).template as unknown as Readonly<Record<string, unknown>>;
