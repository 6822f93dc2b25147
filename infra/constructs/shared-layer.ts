import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { type BuildOptions, buildSync } from 'esbuild';
import { DockerImage, FileSystem } from 'aws-cdk-lib';
import { Architecture, Code, LayerVersion, Runtime } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';

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

/**
 * Bundles shared-layer/src into nodejs/node_modules/@orders-pipeline/shared/index.js, the path
 * Lambda mounts at /opt/nodejs/node_modules. Powertools and zod are bundled in; the AWS SDK is not
 * (the nodejs22.x runtime provides it). Used by the construct and by the local runtime.
 */
export const bundleSharedLayer = (outputDir: string): void => {
  const moduleDir = path.join(outputDir, 'nodejs', 'node_modules', ...SHARED_LAYER_MODULE.split('/'));
  buildSync({
    entryPoints: [path.join(LAYER_SOURCE_DIR, 'src', 'index.ts')],
    outfile: path.join(moduleDir, 'index.js'),
    ...BUILD_OPTIONS,
    external: [...BUILD_OPTIONS.external],
  });
  // A package.json makes the folder resolvable by package name.
  writeFileSync(path.join(moduleDir, 'package.json'), JSON.stringify({ name: SHARED_LAYER_MODULE, main: 'index.js' }));
};

/**
 * The layer's asset hash: its source, the lock file and the build options. The source alone (CDK's default) misses
 * what esbuild bundles in, so a Powertools or zod upgrade would deploy the old layer and reuse a stale cdk.out.
 * Hashing the lock file rather than the bundle output keeps a synth with a cached cdk.out from bundling again.
 */
export const sharedLayerAssetHash = (lockFile: string = PROJECT_LOCK_FILE): string =>
  createHash('sha256')
    .update(FileSystem.fingerprint(path.join(LAYER_SOURCE_DIR, 'src')))
    .update(readFileSync(lockFile))
    .update(JSON.stringify(BUILD_OPTIONS))
    .digest('hex');

export interface SharedLayerProps {
  /** The lock file pinning what is bundled in; the project's package-lock.json unless a test passes a changed copy. */
  readonly lockFile?: string;
}

export class SharedLayer extends LayerVersion {
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
