import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { type StageAssembly, readStageAssembly, synthesizeStage } from '../../local-runtime';
import { SYNTH_CACHE_ENV } from './synth-cache-setup';

const STACK_NAME_FILE = 'stack-name.json';

/**
 * A stage synthesized once per jest run (by `synthesize`; by default the project's stage called `name`) and shared
 * by every local runtime the run's test files start: a synth with its esbuild bundling costs seconds of CPU per
 * runtime start, and the sources do not change during a run. The first file that needs a stage synthesizes it; the
 * others read the cloud assembly back. Functions run their code
 * from the assembly's asset folders and never write there, so one copy serves runtimes in parallel.
 * Undefined outside a jest run that made the cache folder: the runtime then synthesizes as usual.
 * The assembly read back carries no LocalBuilds (watch mode's rebuilds): watch-mode tests synthesize their own.
 */
export const cachedSynthesis = (
  name: string,
  synthesize: (outdir: string) => StageAssembly = (outdir) => synthesizeStage(name, outdir),
): ((outdir: string) => StageAssembly) | undefined => {
  const cacheDir = process.env[SYNTH_CACHE_ENV];
  if (!cacheDir) return undefined;
  return () => {
    const stageDir = path.join(cacheDir, name);
    if (!existsSync(stageDir)) {
      // Several workers may get here at once: each synthesizes into a folder of its own, and the first rename wins.
      const building = path.join(cacheDir, `${name}.building-${process.pid}-${Date.now()}`);
      mkdirSync(building, { recursive: true });
      const { stackName } = synthesize(building);
      writeFileSync(path.join(building, STACK_NAME_FILE), JSON.stringify(stackName));
      try {
        renameSync(building, stageDir);
      } catch (error) {
        if (!existsSync(stageDir)) throw error;
        rmSync(building, { recursive: true, force: true });
      }
    }
    const stackName = JSON.parse(readFileSync(path.join(stageDir, STACK_NAME_FILE), 'utf8')) as string;
    return readStageAssembly(stageDir, stackName, {});
  };
};
