import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SharedLayer } from '../../infra/constructs/shared-layer';

const LOCK_FILE = path.join(__dirname, '..', '..', 'package-lock.json');

/** The S3 key (the asset hash) of a SharedLayer built with the given lock file. */
const layerAssetKey = (lockFile?: string): string => {
  // Bundling is skipped: the hash must not need a bundle, which keeps a cached cdk.out synth fast.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'LayerOnly');
  new SharedLayer(stack, 'SharedLayer', { lockFile });
  const [layer] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::LayerVersion'));
  return (layer.Properties.Content as { S3Key: string }).S3Key;
};

describe('SharedLayer', () => {
  it('changes its asset hash when the lock file pins another version of a bundled dependency (zod, Powertools)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'layer-lock-'));
    try {
      const lock = JSON.parse(readFileSync(LOCK_FILE, 'utf8'));
      const zod = lock.packages['node_modules/zod'];
      lock.packages['node_modules/zod'] = { ...zod, version: `${zod.version}-next` };
      const upgraded = path.join(dir, 'package-lock.json');
      writeFileSync(upgraded, JSON.stringify(lock, null, 2));

      expect(layerAssetKey(upgraded)).not.toBe(layerAssetKey(LOCK_FILE));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps its asset hash while the source and the lock file stay the same', () => {
    expect(layerAssetKey()).toBe(layerAssetKey(LOCK_FILE));
  });
});
