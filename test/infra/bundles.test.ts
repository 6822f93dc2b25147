import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ENV } from '@orders-pipeline/shared';
import { synthesizeStage } from '../../local-runtime';
import { LocalBundler } from '../../local-runtime/watch/bundler';
import { resourcesOfType, synthStage } from './synth-stage';

const PROJECT_ROOT = path.join(__dirname, '..', '..');
const { app, template } = synthStage('dev');
const assemblyDir = app.synth().directory;

const assetDir = (code: { S3Key: string }): string => path.join(assemblyDir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);

const functionBundle = (service: string): string => {
  const fn = Object.values(resourcesOfType(template, 'AWS::Lambda::Function')).find(
    (resource) =>
      (resource.Properties?.Environment as { Variables?: Record<string, string> } | undefined)?.Variables?.POWERTOOLS_SERVICE_NAME ===
      service,
  );
  if (!fn) throw new Error(`no function for service ${service}`);
  return path.join(assetDir(fn.Properties?.Code as { S3Key: string }), 'index.js');
};

const layerModulesDir = (): string => {
  const [layer] = Object.values(resourcesOfType(template, 'AWS::Lambda::LayerVersion'));
  return path.join(assetDir(layer.Properties?.Content as { S3Key: string }), 'nodejs', 'node_modules');
};

/** Loads a bundle in a fresh Node process with the layer where Lambda mounts it, and invokes it. */
const invokeBundle = (bundle: string, event: unknown, env: Record<string, string>): unknown => {
  const script = `
    const { handler } = require(${JSON.stringify(bundle)});
    const context = { functionName: 'bundle-test', awsRequestId: 'r-1', getRemainingTimeInMillis: () => 10000 };
    handler(${JSON.stringify(event)}, context).then((result) => process.stdout.write(JSON.stringify(result)));
  `;
  const output = execFileSync(process.execPath, ['-e', script], {
    env: {
      ...process.env,
      ...env,
      // Lambda resolves /opt/nodejs/node_modules (the layer) and the runtime's own AWS SDK.
      NODE_PATH: [layerModulesDir(), path.join(PROJECT_ROOT, 'node_modules')].join(path.delimiter),
    },
    encoding: 'utf8',
  });
  return JSON.parse(output);
};

describe('bundled assets (dev)', () => {
  it("are rebuilt outside synth byte for byte, source maps included, from the constructs' own build options (watch mode)", async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'orders-local-build-'));
    const bundler = new LocalBundler(PROJECT_ROOT, path.join(root, 'watch', 'dev'));
    try {
      // Laid out as the local runtime lays it out: <data dir>/cdk.out/<stage> beside <data dir>/watch/<stage>.
      const assembly = synthesizeStage('dev', path.join(root, 'cdk.out', 'dev'));
      const built = Object.entries(assembly.template.Resources).filter(([, resource]) =>
        ['AWS::Lambda::Function', 'AWS::Lambda::LayerVersion'].includes(resource.Type),
      );
      const assetDirs = new Map(
        built.map(([logicalId, resource]) => [logicalId, assembly.assetDir(resource.Properties?.Code ?? resource.Properties?.Content)]),
      );
      expect(Object.keys(assembly.builds).sort()).toEqual([...assetDirs.keys()].sort());

      await bundler.setTargets(assembly.builds, assetDirs);
      const outcome = await bundler.rebuild(Object.keys(assembly.builds));

      expect(outcome.errors).toEqual([]);
      expect([...outcome.rebuilt.keys()]).toEqual([]);
      expect([...outcome.unchanged].sort()).toEqual([...assetDirs.keys()].sort());
    } finally {
      await bundler.dispose();
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);

  it('packs the layer as nodejs/node_modules/@orders-pipeline/shared with Powertools inside and the AWS SDK outside', () => {
    const layerIndex = path.join(layerModulesDir(), '@orders-pipeline', 'shared', 'index.js');
    expect(existsSync(layerIndex)).toBe(true);
    const source = readFileSync(layerIndex, 'utf8');
    expect(source).not.toMatch(/require\("@aws-lambda-powertools/);
    expect(source).toMatch(/require\("@aws-sdk\/client-dynamodb"\)/);
  });

  it.each(['orders-api', 'orders-consumer', 'orders-openapi'])('keeps Powertools, zod and the SDK out of the %s bundle', (service) => {
    const source = readFileSync(functionBundle(service), 'utf8');
    expect(source).toMatch(/require\("@orders-pipeline\/shared"\)/);
    expect(source).not.toMatch(/powertools|zod|smithy/i);
  });

  it('runs the API bundle against the layer: a malformed body gets a 400 problem', () => {
    const response = invokeBundle(
      functionBundle('orders-api'),
      { routeKey: 'POST /orders', headers: { 'content-type': 'application/json' }, body: '{', isBase64Encoded: false },
      { [ENV.QUEUE_URL]: 'http://127.0.0.1:1/queue/unused' },
    ) as { statusCode: number; headers: Record<string, string> };
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toBe('application/problem+json');
  });

  it('runs the consumer bundle against the layer: an empty batch succeeds', () => {
    const response = invokeBundle(functionBundle('orders-consumer'), { Records: [] }, { [ENV.ORDERS_TABLE_NAME]: 'unused' });
    expect(response).toEqual({ batchItemFailures: [] });
  });
});
