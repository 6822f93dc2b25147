import { calibrationFile, currentCommit, readCachedWork } from './calibration';
import type { MeasuredWork } from './work';
import reference from './reference-work.json';

/**
 * The per-order work the planner uses: this commit's calibration when `--calibrate` has measured it, else the reference
 * measurement committed with the code (load/plan/reference-work.json, made by `--calibrate` and copied). `origin` says
 * which, for the report.
 */
export const workFor = (root: string): { work: MeasuredWork; origin: string } => {
  const commit = currentCommit(root);
  const cached = readCachedWork(calibrationFile(root, commit));
  if (cached) return { work: cached, origin: `measured on this commit (${commit}) at ${cached.measuredAt}` };
  const work = reference as MeasuredWork;
  return {
    work,
    origin: `from the reference measurement (commit ${work.commit}, ${work.measuredAt}); npm run plan -- --calibrate measures this commit`,
  };
};
