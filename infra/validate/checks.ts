import type { Check } from './check';
import { cfnGuard } from './cfn-guard';
import { cfnLint } from './cfn-lint';
import { deployRehearsal } from './deploy-rehearsal';
import { designLoad } from './design-load';
import { templateDiff, templateDiffCheck } from './template-diff';

export interface ChecksOptions {
  /** `--update`: the template diff rewrites the snapshots instead of failing on a difference. */
  readonly update: boolean;
}

/**
 * The checks `npm run validate` runs on each stage, in this order: the static ones first, the design load in the
 * capacity model, then the rehearsal on moto, the template diff last so that a snapshot is only rewritten after everything else has looked at the template.
 */
export const checksFor = ({ update }: ChecksOptions): readonly Check[] => [
  cfnLint,
  cfnGuard,
  designLoad,
  deployRehearsal,
  update ? templateDiffCheck({ update: true }) : templateDiff,
];
