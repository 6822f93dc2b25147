import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createEphemeralDir, type EphemeralDir } from '../../local-runtime/ephemeral-dir';
import { EnvironmentBudget } from '../../local-runtime/lambda/environment-budget';
import { LocalFunction, type LocalFunctionDefinition } from '../../local-runtime/lambda/local-function';
import { availableNodeBinaries } from '../../local-runtime/lambda/node-runtimes';
import { buildRuntimeSdkFolder } from '../../local-runtime/lambda/runtime-sdk';

const PROJECT_NODE_MODULES = path.join(__dirname, '..', '..', 'node_modules');

/**
 * A project as users have it: `project/node_modules` holds a package (`left-pad-local`) that a bundle inside the
 * project (`project/cdk.out/asset.x`) uses without bundling it. Lambda would not find it.
 */
const FILES: Record<string, string> = {
  'project/node_modules/left-pad-local/index.js': "module.exports = (text) => ' ' + text;",
  'project/cdk.out/asset.unbundled/index.js': `
    const pad = require('left-pad-local');
    exports.handler = async () => pad('x');`,
  'project/cdk.out/asset.layer/nodejs/node_modules/left-pad-local/index.js': "module.exports = (text) => '>' + text;",
  'project/cdk.out/asset.sdk/index.js': `
    const { SQSClient } = require('@aws-sdk/client-sqs');
    exports.handler = async () => typeof SQSClient;`,
  'project/cdk.out/asset.not-sdk/index.js': `
    require('aws-cdk-lib');
    exports.handler = async () => 'found';`,
  'project/cdk.out/asset.syntax/index.js': 'exports.handler = async () => {',
  'project/cdk.out/asset.no-export/index.js': 'exports.other = async () => 1;',
  'project/cdk.out/asset.version/index.js': `
    exports.handler = async () => ({ node: process.versions.node, executionEnv: process.env.AWS_EXECUTION_ENV });`,
};

describe('LocalFunction module resolution', () => {
  let dir: EphemeralDir;
  let sdkFolder: string;
  const functions: LocalFunction[] = [];

  const assetFunction = (asset: string, overrides: Partial<LocalFunctionDefinition> = {}) => {
    const codeDir = path.join(dir.path, 'project', 'cdk.out', `asset.${asset}`);
    const fn = new LocalFunction(
      {
        logicalId: 'ModulesFunction',
        functionName: `modules-${asset}`,
        codeDir,
        handler: 'index.handler',
        timeoutSeconds: 5,
        memorySizeMb: 128,
        environment: {},
        modulePaths: [sdkFolder],
        logFile: path.join(dir.path, `${asset}.log`),
        ...overrides,
      },
      { budget: new EnvironmentBudget(4, 2) },
    );
    functions.push(fn);
    return fn;
  };

  beforeAll(() => {
    dir = createEphemeralDir('orders-function-modules-');
    for (const [file, source] of Object.entries(FILES)) {
      mkdirSync(path.dirname(path.join(dir.path, file)), { recursive: true });
      writeFileSync(path.join(dir.path, file), source);
    }
    sdkFolder = buildRuntimeSdkFolder(path.join(dir.path, 'lambda-runtime'), PROJECT_NODE_MODULES);
  });

  afterEach(async () => {
    await Promise.all(functions.splice(0).map((fn) => fn.stop()));
  });

  afterAll(() => dir.remove());

  it("fails with Lambda's Runtime.ImportModuleError when the bundle leaves out a package that only the project's node_modules has", async () => {
    const outcome = await assetFunction('unbundled').invoke({});

    expect(outcome).toMatchObject({ ok: false, error: { errorType: 'Runtime.ImportModuleError' } });
    expect(outcome.ok ? '' : outcome.error.errorMessage).toMatch(
      /^Error: Cannot find module 'left-pad-local'\nRequire stack:\n- .*index\.js/,
    );
  });

  it('finds the same package in a layer (its nodejs/node_modules), as Lambda finds /opt/nodejs/node_modules', async () => {
    const layer = path.join(dir.path, 'project', 'cdk.out', 'asset.layer', 'nodejs', 'node_modules');

    const outcome = await assetFunction('unbundled', { modulePaths: [layer, sdkFolder] }).invoke({});

    expect(outcome).toMatchObject({ ok: true, result: '>x' });
  });

  it("finds the AWS SDK v3 the Lambda runtime ships, and none of the project's other packages", async () => {
    const [sdk, notSdk] = await Promise.all([assetFunction('sdk').invoke({}), assetFunction('not-sdk').invoke({})]);

    expect(sdk).toMatchObject({ ok: true, result: 'function' });
    expect(notSdk).toMatchObject({ ok: false, error: { errorType: 'Runtime.ImportModuleError' } });
  });

  it("names a syntax error and a missing handler export with the Node.js runtime's error types", async () => {
    const [syntax, noExport] = await Promise.all([assetFunction('syntax').invoke({}), assetFunction('no-export').invoke({})]);

    expect(syntax).toMatchObject({ ok: false, error: { errorType: 'Runtime.UserCodeSyntaxError' } });
    expect(noExport).toMatchObject({
      ok: false,
      error: { errorType: 'Runtime.HandlerNotFound', errorMessage: 'index.handler is undefined or not exported' },
    });
  });

  it("runs each Node binary there is for the function's Runtime, and says that Runtime in AWS_EXECUTION_ENV", async () => {
    const binaries = availableNodeBinaries();

    const outcomes = await Promise.all(
      binaries.map((binary) =>
        assetFunction('version', { nodeBinary: binary.path, runtime: `nodejs${binary.version.split('.')[0]}.x` }).invoke({}),
      ),
    );

    expect(outcomes.map((outcome) => (outcome.ok ? outcome.result : outcome.error))).toEqual(
      binaries.map((binary) => ({ node: binary.version, executionEnv: `AWS_Lambda_nodejs${binary.version.split('.')[0]}.x` })),
    );
  });
});
