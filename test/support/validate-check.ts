import { readFileSync } from 'node:fs';
import type { CheckContext } from '../../infra/validate/check';
import { snapshotFileFor } from '../../infra/validate/template-diff';

/** The context `npm run validate` gives a check, for a stage and a template, without an assembly on disk. */
export const checkContextFor = (stage: string, template: Record<string, unknown>): CheckContext => ({
  stage,
  template,
  templateFile: `${stage}.template.json`,
  assemblyDir: '.',
  stackName: `OrdersPipeline-${stage}`,
  log: () => undefined,
});

type SnapshotTemplate = { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

/** A fresh copy of a stage's reviewed template snapshot (infra/validate/snapshots/), free to edit in a test. */
export const stageSnapshot = (stage: string): SnapshotTemplate =>
  JSON.parse(readFileSync(snapshotFileFor(stage), 'utf8')) as SnapshotTemplate;
