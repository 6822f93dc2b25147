import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { type BuildOptions, buildSync } from 'esbuild';
import { DockerImage, FileSystem } from 'aws-cdk-lib';
import { Architecture, Code, LayerVersion, Runtime } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { type LocalBuild, outputUnder } from './local-build';

export const SHARED_LAYER_MODULE = '@orders-pipeline/shared';
const LAYER_SOURCE_DIR = path.join(__dirname, '..', '..', 'shared-layer');
const PROJECT_LOCK_FILE = path.join(__dirname, '..', '..', 'package-lock.json');

/** Everything but the paths: part of the asset hash, since a change here changes the bundle. */
const BUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  external: ['@aws-sdk/*'],
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'warning',
} as const satisfies BuildOptions;

const MODULE_DIR = path.posix.join('nodejs', 'node_modules', SHARED_LAYER_MODULE);

/**
 * The layer's entries (shared-layer/src/entries), each its own file, loaded by its subpath
 * (`@orders-pipeline/shared/orders`): a function's init loads the entries it imports and nothing else.
 * Each entry bundles the layer code it uses, so small pure modules (errors, chunk) can sit in more than one;
 * Powertools' Logger and Metrics sit in `powertools` only, zod in `orders` only (test/infra/bundles.test.ts).
 */
export const SHARED_LAYER_ENTRIES = ['core', 'orders', 'sqs', 'dynamodb', 'powertools', 'batch', 'idempotency'] as const;

/** The layer's build, for synth and for watch mode. */
export const SHARED_LAYER_BUILD: LocalBuild = {
  options: {
    entryPoints: Object.fromEntries(
      SHARED_LAYER_ENTRIES.map((entry) => [entry, path.join(LAYER_SOURCE_DIR, 'src', 'entries', `${entry}.ts`)]),
    ),
    absWorkingDir: path.join(LAYER_SOURCE_DIR, '..'),
    ...BUILD_OPTIONS,
    external: [...BUILD_OPTIONS.external],
  },
  outdir: MODULE_DIR,
  // A package.json makes the folder resolvable by package name. No `main`: a function imports entries by subpath,
  // and a bare `@orders-pipeline/shared` fails to load instead of loading everything.
  files: { [path.posix.join(MODULE_DIR, 'package.json')]: JSON.stringify({ name: SHARED_LAYER_MODULE }) },
};

/**
 * Bundles shared-layer/src/entries into nodejs/node_modules/@orders-pipeline/shared/<entry>.js, the path
 * Lambda mounts at /opt/nodejs/node_modules. Powertools and zod are bundled in; the AWS SDK is not
 * (the nodejs22.x runtime provides it). Used by the construct and by the local runtime.
 */
export const bundleSharedLayer = (outputDir: string): void => {
  buildSync({ ...SHARED_LAYER_BUILD.options, ...outputUnder(SHARED_LAYER_BUILD, outputDir) });
  for (const [file, content] of Object.entries(SHARED_LAYER_BUILD.files ?? {})) writeFileSync(path.join(outputDir, file), content);
};

/**
 * The layer's asset hash: its source, the lock file, the build options and the entries built. The source alone
 * (CDK's default) misses what esbuild bundles in, so a Powertools or zod upgrade would deploy the old layer and reuse a stale cdk.out.
 * Hashing the lock file rather than the bundle output keeps a synth with a cached cdk.out from bundling again.
 */
export const sharedLayerAssetHash = (lockFile: string = PROJECT_LOCK_FILE): string =>
  createHash('sha256')
    .update(FileSystem.fingerprint(path.join(LAYER_SOURCE_DIR, 'src')))
    .update(readFileSync(lockFile))
    .update(JSON.stringify(BUILD_OPTIONS))
    .update(JSON.stringify(SHARED_LAYER_ENTRIES))
    .digest('hex');

export interface SharedLayerProps {
  /** The lock file pinning what is bundled in; the project's package-lock.json unless a test passes a changed copy. */
  readonly lockFile?: string;
}

export class SharedLayer extends LayerVersion {
  readonly localBuild = SHARED_LAYER_BUILD;

  constructor(scope: Construct, id: string, props: SharedLayerProps = {}) {
    super(scope, id, {
      description: 'orders-pipeline shared code: order contract, AWS clients, Powertools wiring',
      compatibleRuntimes: [Runtime.NODEJS_22_X],
      compatibleArchitectures: [Architecture.ARM_64],
      code: Code.fromAsset(path.join(LAYER_SOURCE_DIR, 'src'), {
        assetHash: sharedLayerAssetHash(props.lockFile),
        bundling: {
          // Never used: local bundling always succeeds or throws. CDK requires an image anyway.
          image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22'),
          local: {
            tryBundle(outputDir: string): boolean {
              bundleSharedLayer(outputDir);
              return true;
            },
          },
        },
      }),
    });
  }
}
