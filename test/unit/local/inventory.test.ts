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
      'runs     AWS::DynamoDB::Table Orders: on dynalite as Shop-Orders: key schema, global secondary indexes, TTL, encryption setting, deletion protection',
    );
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^runs {5}AWS::SQS::Queue Jobs: on fauxqs as Shop-Jobs/),
        expect.stringMatching(/^runs {5}AWS::Lambda::Function Worker: Node \d+ processes/),
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
        Ordered: { Type: 'AWS::SQS::Queue', Properties: { FifoQueue: true, QueueName: 'ordered.fifo' } },
        Old: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'python3.13', Handler: 'x', Code: { S3Key: 'y.zip' } } },
      },
    };
    const inventory = inventoryOf(grown, 'Shop');
    expect(() => assertNoRefusals(inventory, false)).toThrow(DifferencesRefusedError);
    expect(() => assertNoRefusals(inventory, false)).toThrow(
      /cannot run 2 resources of this stack as AWS would:\n {2}AWS::SQS::Queue Ordered: it is a FIFO queue and would run as a standard one \(no ordering, no deduplication\); QueueName "ordered\.fifo" is not honoured: the queue is named Shop-Ordered\n {2}AWS::Lambda::Function Old: its runtime python3\.13 is not Node\.js; only Node\.js functions run\n.*--accept-differences/,
    );
    expect(() => assertNoRefusals(inventory, true)).not.toThrow();
    expect(describeInventory(inventory)).toContain(
      'DIFFERS  AWS::Lambda::Function Old: its runtime python3.13 is not Node.js; only Node.js functions run',
    );
    expect(() => assertNoRefusals(inventoryOf(template, 'Shop'), false)).not.toThrow();
  });
});
