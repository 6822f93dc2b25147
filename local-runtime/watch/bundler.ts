import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { type BuildContext, type Message, context } from 'esbuild';
import { type LocalBuild, outputUnder } from '../../infra/constructs/local-build';
import { folderDigest } from '../running-stack';

export interface RebuildOutcome {
  /** By logical id: the folder holding the new build, for targets whose output changed. */
  readonly rebuilt: ReadonlyMap<string, string>;
  /** Rebuilt with output identical to what runs: nothing to recycle. */
  readonly unchanged: readonly string[];
  readonly buildMs: number;
  /** Formatted esbuild errors ("file:line:column: text"), empty when every build succeeded. */
  readonly errors: readonly string[];
}

interface Target {
  readonly build: LocalBuild;
  readonly context: BuildContext<{ write: false; metafile: true }>;
  /** Paths relative to the project root that the last successful build read. */
  inputs: ReadonlySet<string>;
  failed: boolean;
  /** Digest of the asset folder the runtime runs for this target. */
  runningDigest: string;
  generation: number;
}

const formatMessage = (message: Message): string => {
  const where = message.location ? `${message.location.file}:${message.location.line}:${message.location.column + 1}: ` : '';
  const source = message.location?.lineText ? `\n    ${message.location.lineText.trim()}` : '';
  return `${where}${message.text}${source}`;
};

/**
 * One incremental esbuild context per function and layer, with the options their constructs give synth: a save
 * rebuilds only the bundles whose inputs include the saved file, each into a new folder under `outputRoot`
 * (environments still running the old folder are never disturbed). `outputRoot` must be as deep below the project
 * as the cloud assembly (`<data dir>/watch/<stage>` beside `<data dir>/cdk.out/<stage>`).
 */
export class LocalBundler {
  private readonly targets = new Map<string, Target>();

  constructor(
    private readonly projectRoot: string,
    private readonly outputRoot: string,
  ) {}

  /** Makes the targets match `builds` (from a synth), keeping contexts whose options did not change. */
  async setTargets(builds: Readonly<Record<string, LocalBuild>>, runningDirs: ReadonlyMap<string, string>): Promise<void> {
    for (const [logicalId, target] of this.targets) {
      const next = builds[logicalId];
      if (next && JSON.stringify(next) === JSON.stringify(target.build)) continue;
      await target.context.dispose();
      this.targets.delete(logicalId);
    }
    for (const [logicalId, build] of Object.entries(builds)) {
      const runningDir = runningDirs.get(logicalId);
      const existing = this.targets.get(logicalId);
      if (existing) {
        if (runningDir) existing.runningDigest = folderDigest(runningDir);
        continue;
      }
      const buildContext = await context({
        ...build.options,
        // The context's own path sets how the source map names sources; each build is written to a sibling folder.
        // Sibling folders sit as deep as cdk.out's asset folders, so a rebuild equal to the synthesized asset is
        // byte-identical to it, source map included.
        ...outputUnder(build, path.join(this.outputRoot, `${logicalId}.current`)),
        write: false,
        metafile: true,
        logLevel: 'silent',
      });
      this.targets.set(logicalId, {
        build,
        context: buildContext,
        inputs: new Set(),
        // Unknown inputs until the first build: any source change rebuilds it.
        failed: true,
        runningDigest: runningDir ? folderDigest(runningDir) : '',
        generation: 0,
      });
    }
  }

  /** The targets a change to these project-relative paths affects. */
  affected(changedPaths: readonly string[]): string[] {
    return [...this.targets]
      .filter(([, target]) => target.failed || changedPaths.some((changed) => target.inputs.has(changed)))
      .map(([logicalId]) => logicalId);
  }

  async rebuild(logicalIds: readonly string[]): Promise<RebuildOutcome> {
    const started = performance.now();
    const rebuilt = new Map<string, string>();
    const unchanged: string[] = [];
    const errors: string[] = [];
    await Promise.all(
      logicalIds.map(async (logicalId) => {
        const target = this.targets.get(logicalId);
        if (!target) return;
        try {
          const result = await target.context.rebuild();
          target.failed = false;
          const absWorkingDir = target.build.options.absWorkingDir ?? this.projectRoot;
          target.inputs = new Set(
            Object.keys(result.metafile.inputs).map((input) => path.relative(this.projectRoot, path.resolve(absWorkingDir, input))),
          );
          target.generation += 1;
          const dir = path.join(this.outputRoot, `${logicalId}.${target.generation}`);
          const contextDir = path.join(this.outputRoot, `${logicalId}.current`);
          for (const file of result.outputFiles) {
            const destination = path.join(dir, path.relative(contextDir, file.path));
            mkdirSync(path.dirname(destination), { recursive: true });
            writeFileSync(destination, file.contents);
          }
          for (const [file, content] of Object.entries(target.build.files ?? {})) writeFileSync(path.join(dir, file), content);
          const digest = folderDigest(dir);
          if (digest === target.runningDigest) {
            rmSync(dir, { recursive: true, force: true });
            unchanged.push(logicalId);
            return;
          }
          target.runningDigest = digest;
          rebuilt.set(logicalId, dir);
        } catch (error) {
          target.failed = true;
          const messages = (error as { errors?: Message[] }).errors;
          errors.push(...(messages?.length ? messages.map(formatMessage) : [(error as Error).message]));
        }
      }),
    );
    return { rebuilt, unchanged, errors: [...new Set(errors)], buildMs: Math.round(performance.now() - started) };
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.targets.values()].map((target) => target.context.dispose()));
    this.targets.clear();
  }
}
