import type { CfnTemplate } from '../../../local-runtime/cloud-assembly';
import { DifferencesRefusedError, assertNoRefusals, describeInventory, inventoryOf } from '../../../local-runtime/inventory';

const NODE = `nodejs${process.versions.node.split('.')[0]}.x`;

const template: CfnTemplate = {
  Resources: {
    Orders: { Type: 'AWS::DynamoDB::Table', Properties: { KeySchema: [] } },
    Jobs: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 30 } },
    Worker: { Type: 'AWS::Lambda::Function', Properties: { Runtime: NODE, Handler: 'index.handler', Code: { S3Key: 'x.zip' } } },
    Notices: { Type: 'AWS::SNS::Topic' },
    Bucket: { Type: 'AWS::S3::Bucket' },
  },
};

describe('inventory', () => {
  it('names every resource: what runs and how, and what does not run and why', () => {
    const lines = describeInventory(inventoryOf(template, 'Shop'));
    expect(lines).toContain(
      'runs     AWS::DynamoDB::Table Orders: on dynalite as Shop-Orders: key schema, global and local secondary indexes, TTL, encryption setting, deletion protection',
    );
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^runs {5}AWS::SQS::Queue Jobs: on fauxqs as Shop-Jobs/),
        expect.stringMatching(/^runs {5}AWS::Lambda::Function Worker: as Shop-Worker, Node \d+\.\d+\.\d+ processes/),
        'not run  AWS::SNS::Topic Notices: no local SNS; publishes to it fail and alarm actions are not sent',
        'not run  AWS::S3::Bucket Bucket: the local runtime has no S3 emulator',
      ]),
    );
    expect(lines).toHaveLength(5);
  });

  it('refuses what would run differently from AWS, naming each difference, unless the differences are accepted', () => {
    const grown: CfnTemplate = {
      Resources: {
        ...template.Resources,
        Ordered: {
          Type: 'AWS::SQS::Queue',
          Properties: { FifoQueue: true, QueueName: 'ordered.fifo', DeduplicationScope: 'messageGroup' },
        },
        Old: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'python3.13', Handler: 'x', Code: { S3Key: 'y.zip' } } },
      },
    };
    const inventory = inventoryOf(grown, 'Shop');
    expect(() => assertNoRefusals(inventory, false)).toThrow(DifferencesRefusedError);
    expect(() => assertNoRefusals(inventory, false)).toThrow(
      /cannot run 2 resources of this stack as AWS would:\n {2}AWS::SQS::Queue Ordered: its DeduplicationScope messageGroup: fauxqs deduplicates across the whole queue[^\n]*\n {2}AWS::Lambda::Function Old: its runtime python3\.13 is not Node\.js; only Node\.js functions run\n.*--accept-differences/,
    );
    expect(() => assertNoRefusals(inventory, true)).not.toThrow();
    expect(describeInventory(inventory)).toContain(
      'DIFFERS  AWS::Lambda::Function Old: its runtime python3.13 is not Node.js; only Node.js functions run',
    );
    expect(() => assertNoRefusals(inventoryOf(template, 'Shop'), false)).not.toThrow();
  });

  it('runs names, indexes, FIFO queues and their mappings as the template says them', () => {
    const lines = describeInventory(
      inventoryOf(
        {
          Resources: {
            Reports: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'reports', LocalSecondaryIndexes: [] } },
            Ordered: { Type: 'AWS::SQS::Queue', Properties: { FifoQueue: true, ContentBasedDeduplication: true } },
            Named: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'named' } },
            Worker: {
              Type: 'AWS::Lambda::Function',
              Properties: { Runtime: NODE, FunctionName: 'worker', Handler: 'x', Code: { S3Key: 'x.zip' } },
            },
            Mapping: {
              Type: 'AWS::Lambda::EventSourceMapping',
              Properties: { EventSourceArn: { 'Fn::GetAtt': ['Ordered', 'Arn'] }, FunctionName: { Ref: 'Worker' }, BatchSize: 10 },
            },
          },
        },
        'Shop',
      ),
    );

    expect(lines.filter((line) => !line.startsWith('runs '))).toEqual([]);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^runs {5}AWS::DynamoDB::Table Reports: on dynalite as reports: key schema, global and local secondary indexes/,
        ),
        'runs     AWS::SQS::Queue Ordered: on fauxqs as Shop-Ordered.fifo: FIFO (message groups in order, deduplication for 5 minutes), visibility timeout, retention, long polling, redrive to its DLQ',
        expect.stringMatching(/^runs {5}AWS::SQS::Queue Named: on fauxqs as named: visibility/),
        expect.stringMatching(/^runs {5}AWS::Lambda::Function Worker: as worker, Node /),
      ]),
    );
  });

  it('refuses what AWS refuses or the runtime cannot run: a stream, a stream mapping, a FIFO mapping over 10 or with a window, a Node major it lacks', () => {
    const mapping = (source: [string, string], extra: Record<string, unknown> = {}) => ({
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: { EventSourceArn: { 'Fn::GetAtt': source }, FunctionName: { Ref: 'Worker' }, ...extra },
    });
    const inventory = inventoryOf(
      {
        Resources: {
          Table: { Type: 'AWS::DynamoDB::Table', Properties: { StreamSpecification: { StreamViewType: 'NEW_IMAGE' } } },
          Ordered: { Type: 'AWS::SQS::Queue', Properties: { FifoQueue: 'true' } },
          Worker: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs99.x', Handler: 'x', Code: { S3Key: 'x.zip' } } },
          Big: mapping(['Ordered', 'Arn'], { BatchSize: 11 }),
          Windowed: mapping(['Ordered', 'Arn'], { MaximumBatchingWindowInSeconds: 1 }),
          Stream: mapping(['Table', 'StreamArn']),
        },
      },
      'Shop',
    );

    expect(
      inventory
        .filter(({ handling }) => handling.status === 'refused')
        .map(({ logicalId, handling }) => [logicalId, (handling as { why: string }).why]),
    ).toEqual([
      ['Table', expect.stringMatching(/^its stream \(NEW_IMAGE\) does not run: dynalite has no DynamoDB Streams API/)],
      ['Worker', expect.stringMatching(/^Runtime nodejs99\.x runs on Node \d+\.\d+\.\d+: this machine has no Node 99 .*Install Node 99/)],
      ['Big', expect.stringMatching(/^its BatchSize 11 on a FIFO queue: Lambda allows at most 10/)],
      ['Windowed', expect.stringMatching(/^its MaximumBatchingWindowInSeconds on a FIFO queue/)],
      ['Stream', expect.stringMatching(/^its source is a DynamoDB stream, which does not run locally/)],
    ]);
  });
});
