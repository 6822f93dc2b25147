import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { FileAsset } from 'aws-cdk-lib/cloud-assembly-schema';
import { AssetManifestArtifact, CloudAssembly, EnvironmentPlaceholders } from 'aws-cdk-lib/cx-api';
import type { MotoClients } from './moto-clients';

const execFileAsync = promisify(execFile);

/**
 * Zips directories as cdk-assets does for `packaging: zip` (entries relative to each), with the Python the
 * emulator already needs, so the rehearsal needs no zip library: all of them in one process (a Python start
 * costs a second or more on a busy machine), each written to stdout as an 8-byte length and the archive.
 */
const ZIP_SCRIPT = `
import io, os, struct, sys, zipfile
for root in sys.argv[1:]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as archive:
        for folder, dirs, files in os.walk(root):
            dirs.sort()
            for name in sorted(files):
                full = os.path.join(folder, name)
                archive.write(full, os.path.relpath(full, root))
    sys.stdout.buffer.write(struct.pack('>Q', buffer.tell()) + buffer.getvalue())
`;

const zipDirectories = async (directories: readonly string[], signal: AbortSignal): Promise<Buffer[]> => {
  if (directories.length === 0) return [];
  const { stdout } = await execFileAsync('python3', ['-c', ZIP_SCRIPT, ...directories], {
    encoding: 'buffer',
    maxBuffer: 1024 * 1024 * 1024,
    signal,
  });
  const archives: Buffer[] = [];
  for (let offset = 0; offset < stdout.length; ) {
    const length = Number(stdout.readBigUInt64BE(offset));
    archives.push(stdout.subarray(offset + 8, offset + 8 + length));
    offset += 8 + length;
  }
  if (archives.length !== directories.length) throw new Error(`zipped ${archives.length} of ${directories.length} asset directories`);
  return archives;
};

export interface PackagedAsset {
  readonly asset: FileAsset;
  /** The bytes cdk-assets uploads: zip packaging zipped, file packaging as is. */
  readonly body: Buffer;
}

/** The asset manifest of a stack in a cloud assembly (the file `cdk deploy` publishes from). */
const assetManifestOf = (assemblyDir: string, stackName: string): FileAsset[] => {
  const stack = new CloudAssembly(assemblyDir).getStackByName(stackName);
  const manifests = stack.dependencies.filter(AssetManifestArtifact.isAssetManifestArtifact);
  return manifests.flatMap((manifest) => Object.values(manifest.contents.files ?? {}));
};

/** The bucket names the stack's file assets go to, placeholders kept (for the bootstrap stand-in). */
export const assetBucketNames = (assemblyDir: string, stackName: string): string[] =>
  assetManifestOf(assemblyDir, stackName).flatMap((asset) =>
    Object.values(asset.destinations).map((destination) => destination.bucketName),
  );

/** Packages the stack's file assets as cdk-assets would; `signal` ends the zip process early. */
export const packageAssets = async (assemblyDir: string, stackName: string, signal: AbortSignal): Promise<PackagedAsset[]> => {
  const assets = assetManifestOf(assemblyDir, stackName);
  const sourceOf = (asset: FileAsset) => path.join(assemblyDir, asset.source.path ?? '');
  const zipSources = assets.filter((asset) => asset.source.packaging === 'zip').map(sourceOf);
  const archives = await zipDirectories(zipSources, signal);
  const zipped = new Map(zipSources.map((source, index) => [source, archives[index]]));
  return Promise.all(assets.map(async (asset) => ({ asset, body: zipped.get(sourceOf(asset)) ?? (await readFile(sourceOf(asset))) })));
};

export interface PublishedAsset {
  readonly bucket: string;
  readonly key: string;
  readonly bytes: number;
}

/**
 * Uploads packaged assets to moto's S3 as `cdk deploy` does (cdk-assets): each put at every destination its
 * manifest names, with the environment placeholders resolved. Docker image assets: this stack has none.
 */
export const publishAssets = async (
  packaged: readonly PackagedAsset[],
  clients: MotoClients,
  environment: { readonly accountId: string; readonly region: string },
): Promise<PublishedAsset[]> => {
  const published: PublishedAsset[] = [];
  for (const { asset, body } of packaged) {
    for (const destination of Object.values(asset.destinations)) {
      const { bucketName, objectKey } = EnvironmentPlaceholders.replace(destination, { ...environment, partition: 'aws' });
      await clients.putObject(bucketName, objectKey, body);
      published.push({ bucket: bucketName, key: objectKey, bytes: body.length });
    }
  }
  return published;
};
