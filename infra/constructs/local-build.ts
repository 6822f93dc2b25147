import type { BuildOptions } from 'esbuild';

/**
 * How `cdk synth` builds an asset with esbuild, as plain JSON: watch mode rebuilds a function or the layer with
 * exactly these options on a save instead of synthesizing the stack again.
 */
export interface LocalBuild {
  /** esbuild's options without the output path; `entryPoints` and `tsconfig` are absolute. */
  readonly options: BuildOptions;
  /** The bundle's path inside the asset folder ("index.js" for a function). */
  readonly outfile: string;
  /** Further files the asset holds, by path inside the asset folder. */
  readonly files?: Readonly<Record<string, string>>;
}
