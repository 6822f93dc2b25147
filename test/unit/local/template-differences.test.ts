import * as path from 'node:path';
import type { CfnTemplate } from '../../../local-runtime/cloud-assembly';
import { nodeBinaryFor } from '../../../local-runtime/lambda/node-runtimes';
import { runtimeSdkPackages } from '../../../local-runtime/lambda/runtime-sdk';
import { physicalNameOf } from '../../../local-runtime/provision';
import { TemplateNotSupportedError, checkTemplateDifferences, templateDifferences } from '../../../local-runtime/template-differences';

const NODE_22 = { path: '/opt/node22/bin/node', version: '22.23.3' };
const NODE_20 = { path: '/usr/bin/node', version: '20.20.2' };
const BINARIES = [NODE_22, NODE_20];

const fn = (Runtime: unknown) => ({ Type: 'AWS::Lambda::Function', Properties: { Runtime, Handler: 'index.handler' } });
const template = (Resources: CfnTemplate['Resources']): CfnTemplate => ({ Resources });

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

describe('templateDifferences', () => {
  it('finds nothing to say about standard queues, tables without streams, SQS mappings and available runtimes', () => {
    const differences = templateDifferences(
      template({
        Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 30 } },
        Table: { Type: 'AWS::DynamoDB::Table', Properties: { KeySchema: [] } },
        Fn: fn('nodejs20.x'),
        Mapping: {
          Type: 'AWS::Lambda::EventSourceMapping',
          Properties: { EventSourceArn: { 'Fn::GetAtt': ['Queue', 'Arn'] }, FunctionName: { Ref: 'Fn' } },
        },
      }),
      BINARIES,
    );

    expect(differences).toEqual([]);
  });

  it('runs FIFO queues and their mappings as they are, and names a table stream', () => {
    const differences = templateDifferences(
      template({
        Orders: { Type: 'AWS::SQS::Queue', Properties: { FifoQueue: true, ContentBasedDeduplication: true } },
        Table: { Type: 'AWS::DynamoDB::Table', Properties: { StreamSpecification: { StreamViewType: 'NEW_IMAGE' } } },
        Fn: fn('nodejs22.x'),
        FifoMapping: {
          Type: 'AWS::Lambda::EventSourceMapping',
          Properties: { EventSourceArn: { 'Fn::GetAtt': ['Orders', 'Arn'] }, FunctionName: { Ref: 'Fn' }, BatchSize: 10 },
        },
      }),
      BINARIES,
    );

    expect(differences).toEqual([
      {
        type: 'AWS::DynamoDB::Table',
        logicalId: 'Table',
        verdict: 'named',
        acceptable: true,
        reason: expect.stringMatching(/^StreamSpecification \(NEW_IMAGE\) is not run: .*no DynamoDB Streams API/),
      },
    ]);
  });

  it('refuses what AWS refuses (a FIFO mapping over 10 records or with a window) and a stream mapping, outright', () => {
    const mapping = (source: string, extra: Record<string, unknown> = {}) => ({
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: { EventSourceArn: { 'Fn::GetAtt': source.split('.') }, FunctionName: { Ref: 'Fn' }, ...extra },
    });
    const differences = templateDifferences(
      template({
        Orders: { Type: 'AWS::SQS::Queue', Properties: { FifoQueue: 'true' } },
        Table: { Type: 'AWS::DynamoDB::Table', Properties: {} },
        Fn: fn('nodejs22.x'),
        Big: mapping('Orders.Arn', { BatchSize: 11 }),
        Windowed: mapping('Orders.Arn', { MaximumBatchingWindowInSeconds: 1 }),
        Stream: mapping('Table.StreamArn'),
      }),
      BINARIES,
    );

    expect(differences.map(({ logicalId, verdict, acceptable, reason }) => ({ logicalId, verdict, acceptable, reason }))).toEqual([
      {
        logicalId: 'Big',
        verdict: 'refused',
        acceptable: false,
        reason: expect.stringMatching(/^BatchSize 11 on a FIFO queue: Lambda allows at most 10/),
      },
      {
        logicalId: 'Windowed',
        verdict: 'refused',
        acceptable: false,
        reason: expect.stringMatching(/^MaximumBatchingWindowInSeconds on a FIFO queue/),
      },
      {
        logicalId: 'Stream',
        verdict: 'refused',
        acceptable: false,
        reason: expect.stringMatching(/^its event source is a DynamoDB stream: .*never invoked/),
      },
    ]);
  });
});

describe('checkTemplateDifferences', () => {
  const groupScopeAndNode24 = template({
    Orders: { Type: 'AWS::SQS::Queue', Properties: { FifoQueue: 'true', DeduplicationScope: 'messageGroup' } },
    Fn: fn('nodejs24.x'),
  });

  it('stops the start with every refused difference, one line each, and says how to accept them', () => {
    const lines: string[] = [];
    const check = () => checkTemplateDifferences(groupScopeAndNode24, false, (line) => lines.push(line), BINARIES);

    expect(check).toThrow(TemplateNotSupportedError);
    expect(check).toThrow(
      /AWS::SQS::Queue Orders: differs: DeduplicationScope messageGroup[^\n]*\n {2}- AWS::Lambda::Function Fn: differs: Runtime nodejs24\.x[^\n]*\n.*acceptDifferences/,
    );
    expect(lines).toHaveLength(4);
  });

  it('runs them, each named at start, when differences are accepted', () => {
    const lines: string[] = [];

    checkTemplateDifferences(groupScopeAndNode24, true, (line) => lines.push(line), BINARIES);

    expect(lines).toEqual([
      expect.stringMatching(/^AWS::SQS::Queue Orders: differs: DeduplicationScope messageGroup: .*whole queue/),
      expect.stringMatching(/^AWS::Lambda::Function Fn: differs: Runtime nodejs24\.x runs on Node 22/),
    ]);
  });

  it('stops the start even with differences accepted for what has no local equivalent', () => {
    const python = template({ Fn: fn('python3.12') });

    expect(() => checkTemplateDifferences(python, true, () => undefined, BINARIES)).toThrow(
      /cannot run: Runtime "python3\.12".*\nChange the template/s,
    );
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
