import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { localTarget, stageTarget } from '../../../ops/pipeline-target';

const cloudFormation = mockClient(CloudFormationClient);

describe('finding the pipeline', () => {
  beforeEach(() => cloudFormation.reset());

  it('reads the local queues from outputs.json, and says to run npm start when it is missing', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'outputs-'));
    try {
      const file = path.join(dir, 'outputs.json');
      expect(() => localTarget(file)).toThrow(/start the local pipeline with "npm start" first/);

      writeFileSync(
        file,
        JSON.stringify({
          'OrdersPipeline-dev': { QueueUrl: 'http://q', DeadLetterQueueUrl: 'http://dlq', SqsEndpoint: 'http://127.0.0.1:4566' },
        }),
      );
      const target = localTarget(file);
      expect(target).toMatchObject({
        label: 'local',
        local: true,
        production: false,
        queueUrl: 'http://q',
        deadLetterQueueUrl: 'http://dlq',
      });
      target.sqs.destroy();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a stage from its stack outputs; prod is marked for confirmation', async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'OrdersPipeline-prod' }).resolves({
      Stacks: [
        {
          StackName: 'OrdersPipeline-prod',
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [
            { OutputKey: 'QueueUrl', OutputValue: 'https://sqs/q' },
            { OutputKey: 'DeadLetterQueueUrl', OutputValue: 'https://sqs/dlq' },
          ],
        },
      ],
    });

    const target = await stageTarget('prod', new CloudFormationClient({ region: 'us-east-1' }));
    expect(target).toMatchObject({
      label: 'prod',
      local: false,
      production: true,
      queueUrl: 'https://sqs/q',
      deadLetterQueueUrl: 'https://sqs/dlq',
    });
    target.sqs.destroy();
  });

  it('says how to deploy when the stack does not exist', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('Stack with id OrdersPipeline-staging does not exist'), { name: 'ValidationError' }));

    await expect(stageTarget('staging', new CloudFormationClient({ region: 'eu-west-1' }))).rejects.toThrow(
      'No stack OrdersPipeline-staging in eu-west-1. Deploy it with "npm run deploy -- -c stage=staging"',
    );
  });

  it('says what to check when CloudFormation cannot be reached', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('getaddrinfo ENOTFOUND cloudformation.eu-west-1.amazonaws.com'), { code: 'ENOTFOUND' }));

    await expect(stageTarget('dev', new CloudFormationClient({ region: 'eu-west-1' }))).rejects.toThrow(
      /Cannot reach CloudFormation in eu-west-1 to read stack OrdersPipeline-dev .*check the network, proxy \(HTTPS_PROXY\) and AWS_REGION/,
    );
  });

  it('says to pass the outputs file when --outputs names a directory, instead of failing with EISDIR', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'outputs-'));
    try {
      expect(() => localTarget(dir)).toThrow(
        `${dir} is a directory: --outputs takes the outputs file "npm start" writes, e.g. --outputs ${path.join(dir, 'outputs.json')}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says what to do when the outputs file is not JSON', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'outputs-'));
    try {
      const file = path.join(dir, 'outputs.json');
      writeFileSync(file, '{ half');
      expect(() => localTarget(file)).toThrow(/is not the JSON "npm start" writes .*restart npm start to rewrite it/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says to set AWS_REGION when no region is configured, instead of "Region is missing"', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(new Error('Region is missing'));

    await expect(stageTarget('dev', new CloudFormationClient({ region: 'us-east-1' }))).rejects.toThrow(
      'No AWS region to look for stack OrdersPipeline-dev in: set AWS_REGION (or AWS_PROFILE to a profile that has a region), then retry.',
    );
  });
});
