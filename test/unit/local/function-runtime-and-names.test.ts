import * as path from 'node:path';
import { nodeBinaryFor } from '../../../local-runtime/lambda/node-runtimes';
import { runtimeSdkPackages } from '../../../local-runtime/lambda/runtime-sdk';
import { physicalNameOf } from '../../../local-runtime/provision';

const NODE_22 = { path: '/opt/node22/bin/node', version: '22.23.3' };
const NODE_20 = { path: '/usr/bin/node', version: '20.20.2' };
const BINARIES = [NODE_22, NODE_20];

describe('nodeBinaryFor', () => {
  it("runs a function on the Node binary of its Runtime's major version", () => {
    expect(nodeBinaryFor('nodejs20.x', BINARIES)).toEqual({ binary: NODE_20 });
    expect(nodeBinaryFor('nodejs22.x', BINARIES)).toEqual({ binary: NODE_22 });
  });

  it("runs a Runtime this machine has no Node for on the runtime's own Node, and names the difference", () => {
    const choice = nodeBinaryFor('nodejs24.x', BINARIES);

    expect(choice).toEqual({
      binary: NODE_22,
      difference: expect.stringMatching(/^Runtime nodejs24\.x runs on Node 22\.23\.3: this machine has no Node 24 .*Install Node 24/),
    });
  });

  it('refuses a runtime that is not Node.js, and a function without a Runtime (a container image)', () => {
    expect(nodeBinaryFor('python3.12', BINARIES)).toMatchObject({ acceptable: false, refused: expect.stringContaining('"python3.12"') });
    expect(nodeBinaryFor(undefined, BINARIES)).toMatchObject({ refused: expect.stringContaining('container image') });
  });
});

describe('physicalNameOf', () => {
  const resources = new Map([['Table', { ref: 'Stack-Table', attributes: {} }]]);

  it("uses the template's name, resolving intrinsics (the stack's name included), else <stack>-<logicalId> with the suffix", () => {
    expect(physicalNameOf('orders', 'Stack', 'Queue', resources)).toBe('orders');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Fn::Sub's own ${} syntax, not a template literal.
    expect(physicalNameOf({ 'Fn::Sub': '${AWS::StackName}-reports' }, 'Stack', 'Fn', resources)).toBe('Stack-reports');
    expect(physicalNameOf({ 'Fn::Join': ['-', [{ Ref: 'Table' }, 'copy']] }, 'Stack', 'Fn', resources)).toBe('Stack-Table-copy');
    expect(physicalNameOf(undefined, 'Stack', 'Orders', resources, '.fifo')).toBe('Stack-Orders.fifo');
  });
});

describe('runtimeSdkPackages', () => {
  it("holds the project's @aws-sdk packages with their dependencies, and none of its other packages", () => {
    const packages = runtimeSdkPackages(path.join(__dirname, '..', '..', '..', 'node_modules'));

    expect(packages).toEqual(expect.arrayContaining(['@aws-sdk/client-sqs', '@aws-sdk/client-dynamodb', '@smithy/core', 'tslib']));
    const projectOnly = ['aws-cdk-lib', 'constructs', 'fauxqs', 'dynalite', '@aws-lambda-powertools/logger', 'jest'];
    expect(packages.filter((name) => projectOnly.includes(name))).toEqual([]);
  });
});
