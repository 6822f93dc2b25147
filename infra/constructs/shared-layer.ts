import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { DockerImage } from 'aws-cdk-lib';
import { Architecture, Code, LayerVersion, Runtime } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';

export const SHARED_LAYER_MODULE = '@orders-pipeline/shared';
const LAYER_SOURCE_DIR = path.join(__dirname, '..', '..', 'shared-layer');

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
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    external: ['@aws-sdk/*'],
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    logLevel: 'warning',
  });
  // A package.json makes the folder resolvable by package name.
  writeFileSync(path.join(moduleDir, 'package.json'), JSON.stringify({ name: SHARED_LAYER_MODULE, main: 'index.js' }));
};

export class SharedLayer extends LayerVersion {
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      description: 'orders-pipeline shared code: order contract, AWS clients, Powertools wiring',
      compatibleRuntimes: [Runtime.NODEJS_22_X],
      compatibleArchitectures: [Architecture.ARM_64],
      code: Code.fromAsset(path.join(LAYER_SOURCE_DIR, 'src'), {
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
