import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { resourcesOfType, synthStage } from './synth-stage';

// Fault injection lives in the local runtime (local-runtime/faults), on the wire; what deploys must not
// carry any of it. These are the markers any in-process fault code would need.
const FAULT_MARKERS = [/ORDERS_FAULT_INJECTION/, /FaultInject/i, /injected fault/i, /process\.exit\(/];

const { app, template } = synthStage('prod');
const assemblyDir = app.synth().directory;

const jsFilesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.js') || file.endsWith('.mjs'))
    .map((file) => path.join(dir, file));

const assetDirOf = (code: { S3Key: string }): string => path.join(assemblyDir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);

const lambdaAssets = (): [string, string][] => [
  ...Object.entries(resourcesOfType(template, 'AWS::Lambda::Function'))
    // Only the project's own functions: CDK's provider functions (log retention and the like) are not its code.
    .filter(
      ([, fn]) => (fn.Properties?.Environment as { Variables?: Record<string, string> } | undefined)?.Variables?.POWERTOOLS_SERVICE_NAME,
    )
    .map(([logicalId, fn]): [string, string] => [logicalId, assetDirOf(fn.Properties?.Code as { S3Key: string })]),
  ...Object.entries(resourcesOfType(template, 'AWS::Lambda::LayerVersion')).map(([logicalId, layer]): [string, string] => [
    logicalId,
    assetDirOf(layer.Properties?.Content as { S3Key: string }),
  ]),
];

describe('the prod stage ships no fault-injection code', () => {
  it('finds the function and layer assets to check', () => {
    expect(lambdaAssets().length).toBeGreaterThanOrEqual(3);
  });

  it.each(lambdaAssets())('%s contains none of the fault markers', (_logicalId, dir) => {
    const files = jsFilesUnder(dir);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      for (const marker of FAULT_MARKERS) {
        if (marker.test(source)) throw new Error(`${path.relative(dir, file)} matches ${marker}: fault code would ship`);
      }
    }
  });
});
