import * as path from 'node:path';
import type { BuildOptions } from 'esbuild';

/**
 * How `cdk synth` builds an asset with esbuild, as plain JSON: watch mode rebuilds a function or the layer with
 * exactly these options on a save instead of synthesizing the stack again.
 */
export interface LocalBuild {
  /** esbuild's options without the output path; `entryPoints` and `tsconfig` are absolute. */
  readonly options: BuildOptions;
  /** The bundle's path inside the asset folder ("index.js" for a function); a build of one entry point sets it. */
  readonly outfile?: string;
  /** The bundles' folder inside the asset folder; a build of several entry points (the layer's) sets it instead. */
  readonly outdir?: string;
  /** Further files the asset holds, by path inside the asset folder. */
  readonly files?: Readonly<Record<string, string>>;
}

/** esbuild's output option for a build written under `root`. */
export const outputUnder = (build: LocalBuild, root: string): { outfile: string } | { outdir: string } => {
  if (build.outdir !== undefined) return { outdir: path.join(root, build.outdir) };
  if (build.outfile !== undefined) return { outfile: path.join(root, build.outfile) };
  throw new Error('a LocalBuild names neither an outfile nor an outdir: set one of them where the build is defined (infra/constructs)');
};
