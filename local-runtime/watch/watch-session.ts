import { existsSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { LocalRuntime } from '../local-runtime';
import { type AppliedChange, shortId } from '../running-stack';
import { LocalBundler } from './bundler';
import { SourceWatcher } from './source-watcher';
import { SynthProcess } from './synth-process';

export interface WatchOptions {
  readonly runtime: LocalRuntime;
  /** The project whose functions/, shared-layer/ and infra/ are watched (the one the runtime was synthesized from). */
  readonly projectRoot: string;
  readonly stage: string;
  /** The runtime's data dir: rebuilt bundles go under watch/, synths into the runtime's cdk.out. */
  readonly dataDir: string;
  readonly log: (line: string) => void;
}

export interface WatchSession {
  /** Stops watching and finishes a reload under way. */
  stop(): Promise<void>;
  /** Removes the rebuilt bundles; call once the runtime has stopped (its environments may still run them). */
  cleanUp(): void;
}

type ChangeKind = 'stack' | 'code' | 'runtime';

/** local-runtime and infra/validate are the runtime and its tools, not the stack: they take a restart. */
const kindOf = (relativePath: string): ChangeKind | undefined => {
  const posix = relativePath.split(path.sep).join('/');
  if (posix.startsWith('local-runtime/') || posix.startsWith('infra/validate/')) return 'runtime';
  if (posix.startsWith('infra/') || posix === 'cdk.json') return 'stack';
  if (posix.startsWith('functions/') || posix.startsWith('shared-layer/')) return 'code';
  return undefined;
};

const SOURCE_FILE = /\.(ts|tsx|mts|cts|js|mjs|cjs|json)$/;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const listed = (paths: readonly string[]) =>
  paths.length > 3 ? `${paths.slice(0, 3).join(', ')} and ${paths.length - 3} more` : paths.join(', ');

/**
 * `npm start -- --watch`: applies each save to the running runtime. Code changes go through one esbuild context per
 * function and layer, stack changes through a warm synth process; either way tables and queues keep their data.
 * Saves are handled one batch at a time; a save during a reload is picked up right after it.
 */
export const watchProject = async (options: WatchOptions): Promise<WatchSession> => {
  const { runtime, projectRoot, stage, log } = options;
  const outputRoot = path.join(options.dataDir, 'watch', stage);
  rmSync(outputRoot, { recursive: true, force: true });
  const bundler = new LocalBundler(projectRoot, outputRoot);
  await bundler.setTargets(runtime.assembly.builds, runtime.runningDirs());
  // Learns each bundle's inputs; the output equals what runs, so nothing is recycled.
  await bundler.rebuild(Object.keys(runtime.assembly.builds));
  const synth = new SynthProcess(path.join(options.dataDir, 'cdk.out', stage));
  synth.warmUp();

  /** Removes rebuilt folders the runtime no longer runs, once no environment uses them. */
  const collectGarbage = (before: Map<string, string>, applied: AppliedChange) => {
    const now = new Set(runtime.runningDirs().values());
    const unused = [...before.values()].filter((dir) => !now.has(dir) && dir.startsWith(outputRoot + path.sep));
    void applied.retired.then(() => {
      for (const dir of unused) rmSync(dir, { recursive: true, force: true });
    });
  };

  const reportApplied = (started: number, what: string, applied: AppliedChange, done: string) => {
    log(`reloaded in ${seconds(performance.now() - started)}: ${what}; ${[done, ...applied.changes].filter(Boolean).join('; ')}`);
    for (const warning of applied.warnings) log(`  warning: ${warning}`);
  };

  const reportFailure = (started: number, what: string, reason: string, details: readonly string[]) => {
    log(`reload failed after ${seconds(performance.now() - started)}: ${what}; ${reason}; still serving the last good version:`);
    for (const detail of details) log(`  ${detail.trim().split('\n').join('\n    ')}`);
  };

  const applyStack = async (started: number, what: string) => {
    const synthStarted = performance.now();
    let assembly: LocalRuntime['assembly'];
    try {
      assembly = await synth.synthesize(stage);
    } catch (error) {
      reportFailure(started, what, 'synth error', [(error as Error).message]);
      return;
    }
    const synthMs = performance.now() - synthStarted;
    const before = runtime.runningDirs();
    let applied: AppliedChange;
    try {
      applied = await runtime.applyStack(assembly);
    } catch (error) {
      reportFailure(started, what, 'the new stack cannot run', [(error as Error).message]);
      return;
    }
    await bundler.setTargets(assembly.builds, runtime.runningDirs());
    collectGarbage(before, applied);
    reportApplied(started, what, applied, `synthesized in ${seconds(synthMs)}${applied.changes.length === 0 ? ', nothing to apply' : ''}`);
  };

  const applyCode = async (started: number, what: string, changed: readonly string[]) => {
    const targets = bundler.affected(changed);
    if (targets.length === 0) {
      log(`${what}: no function or layer bundles it, nothing to rebuild`);
      return;
    }
    const outcome = await bundler.rebuild(targets);
    const { template } = runtime.assembly;
    const isLayer = (logicalId: string) => template.Resources[logicalId]?.Type === 'AWS::Lambda::LayerVersion';
    const rebuilt = [...outcome.rebuilt];
    const before = runtime.runningDirs();
    const applied = runtime.replaceCode({
      functions: new Map(rebuilt.filter(([logicalId]) => !isLayer(logicalId))),
      layers: new Map(rebuilt.filter(([logicalId]) => isLayer(logicalId))),
    });
    collectGarbage(before, applied);
    if (outcome.errors.length > 0) {
      const partly = rebuilt.length > 0 ? ` (${applied.changes.join('; ')} from the bundles that did build)` : '';
      reportFailure(started, what, `build error${partly}`, outcome.errors);
      return;
    }
    const built = `rebuilt ${targets.map(shortId).join(', ')} in ${outcome.buildMs} ms`;
    reportApplied(started, what, applied, rebuilt.length === 0 ? `${built}, output unchanged: nothing recycled` : built);
  };

  let queue = Promise.resolve();
  let stopping = false;
  const watcher = new SourceWatcher(projectRoot, (paths) => {
    queue = queue.then(async () => {
      if (stopping) return;
      const started = performance.now();
      // A path that is gone and has no source extension was an editor's or sed's temporary file.
      const real = paths.filter((changed) => SOURCE_FILE.test(changed) || existsSync(path.join(projectRoot, changed)));
      const byKind = (kind: ChangeKind) => real.filter((changed) => kindOf(changed) === kind);
      const [stack, code, own] = [byKind('stack'), byKind('code'), byKind('runtime')];
      const what = `${listed([...stack, ...code])} changed`;
      try {
        // A synth rebuilds every bundle too, so a batch with a stack change needs nothing else.
        if (stack.length > 0) await applyStack(started, what);
        else if (code.length > 0) await applyCode(started, what, code);
      } catch (error) {
        reportFailure(started, what, 'unexpected error (please report it)', [(error as Error).stack ?? String(error)]);
      }
      if (own.length > 0) {
        log(`${listed(own)} changed: that is the local runtime's own code, which a reload does not swap; restart npm start to run it`);
      }
    });
  });
  log(`watching functions/, shared-layer/, infra/ and cdk.json for changes`);

  return {
    async stop() {
      stopping = true;
      watcher.close();
      await queue;
      synth.stop();
      await bundler.dispose();
    },
    cleanUp() {
      rmSync(outputRoot, { recursive: true, force: true });
      // The parent too, unless another stage's runtime uses it.
      if (readdirSync(path.dirname(outputRoot)).length === 0) rmSync(path.dirname(outputRoot), { recursive: true, force: true });
    },
  };
};
