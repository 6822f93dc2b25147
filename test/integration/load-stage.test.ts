import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { runLoadOn } from '../../load/load';
import { type LocalPipeline, startPipeline } from '../../local-runtime';
import { stageLoadTarget } from '../../load/lib/stage-load-target';
import { IamGateway } from '../support/iam-gateway';

/**
 * `npm run load -- --stage staging` end to end, with the deployed stage played by the local pipeline:
 * the stack outputs come from a mocked DescribeStacks, the IAM-authorized API from a gateway that
 * checks every SigV4 signature with the SDK's own signer, the queue and table are the emulators.
 */
describe('load run against a deployed stage (staging: IAM auth)', () => {
  const credentials = { accessKeyId: 'AKIALOADTEST00000000', secretAccessKey: 'load-test-secret', sessionToken: 'session-token' };
  const region = 'eu-west-1';
  let pipeline: LocalPipeline;

  beforeAll(async () => {
    pipeline = await startPipeline('orders-load-stage-');
  }, 60_000);
  afterAll(async () => {
    await pipeline?.stop();
  });

  const runThroughGateway = async (gateway: IamGateway, signingCredentials: typeof credentials, orders: number) => {
    const apiUrl = await gateway.start();
    const cloudFormation = new CloudFormationClient({ region, credentials });
    const stacks = mockClient(cloudFormation);
    const { outputs } = pipeline.runtime;
    stacks.on(DescribeStacksCommand, { StackName: 'OrdersPipeline-staging' }).resolves({
      Stacks: [
        {
          StackName: 'OrdersPipeline-staging',
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: Object.entries({
            ApiUrl: apiUrl,
            QueueUrl: outputs.QueueUrl,
            DeadLetterQueueUrl: outputs.DeadLetterQueueUrl,
            OrdersTableName: outputs.OrdersTableName,
          }).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
        },
      ],
    });
    const target = await stageLoadTarget('staging', {
      cloudFormation,
      sqs: pipeline.sqs,
      documents: pipeline.documents,
      credentials: async () => signingCredentials,
      quietMs: 1_500,
      pollMs: 200,
    });
    try {
      return await runLoadOn(target, { orders, connections: 4, ordersPerRequest: 1 }, () => undefined);
    } finally {
      await target.stop();
      await gateway.stop();
    }
  };

  it('signs every request, paces at the stage throttle, and finds every accepted order by key', async () => {
    const gateway = new IamGateway(pipeline.runtime.apiUrl, { credentials, region });
    const report = await runThroughGateway(gateway, credentials, 120);

    expect(gateway.rejected).toBe(0);
    expect(gateway.verified).toBe(120);
    expect(report.problems).toEqual([]);
    expect(report.statusCounts).toEqual({ 202: 120 });
    expect(report.accepted).toBe(120);
    expect(report.stored).toBe(120);
    expect(report.rate).toBe(200);
    expect(report.measured).toBeUndefined();
  }, 120_000);

  it('reports orders the stage answered 202 for but never stored', async () => {
    const gateway = new IamGateway(pipeline.runtime.apiUrl, { credentials, region }, (n) => n % 20 === 0);
    const report = await runThroughGateway(gateway, credentials, 60);

    expect(report.accepted).toBe(60);
    expect(report.stored).toBe(57);
    expect(report.verification.missing).toHaveLength(3);
    expect(report.problems.filter((problem) => problem.startsWith('missing: '))).toHaveLength(3);
  }, 120_000);

  it('fails the run when the stage refuses the signature', async () => {
    const gateway = new IamGateway(pipeline.runtime.apiUrl, { credentials, region });
    const report = await runThroughGateway(gateway, { ...credentials, secretAccessKey: 'someone-elses-secret' }, 20);

    expect(gateway.verified).toBe(0);
    expect(report.statusCounts).toEqual({ 403: 20 });
    expect(report.accepted).toBe(0);
    expect(report.problems[0]).toMatch(/no order was accepted/);
  }, 120_000);
});
