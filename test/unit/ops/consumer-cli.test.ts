import * as path from 'node:path';
import {
  GetEventSourceMappingCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { parseConsumerArgs } from '../../../ops/consumer-cli';
import { findConsumerMapping, updateMapping, waitUntilSettled } from '../../../ops/consumer/consumer-mapping';
import type { ConsumerTarget } from '../../../ops/consumer/consumer-target';
import { explainConsumerError } from '../../../ops/consumer/explain-error';

const lambda = mockClient(LambdaClient);
const sqs = mockClient(SQSClient);
const QUEUE_ARN = 'arn:aws:sqs:eu-west-1:123456789012:OrdersPipeline-prod-OrderQueue';
const UUID = '6f2c2a5e-0000-4000-8000-000000000001';

/** A prod target on mocked clients. */
const target = (): ConsumerTarget => ({
  pipeline: {
    label: 'prod',
    local: false,
    production: true,
    queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/OrdersPipeline-prod-OrderQueue',
    deadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/OrdersPipeline-prod-DLQ',
    sqs: new SQSClient({ region: 'eu-west-1' }),
  },
  lambda: new LambdaClient({ region: 'eu-west-1' }),
  ageOfOldestMessageSeconds: async () => undefined,
});

const awsError = (name: string, message: string) => Object.assign(new Error(message), { name, $metadata: {} });

describe('npm run consumer: command line', () => {
  it('reads status, pause, resume and set with their defaults', () => {
    const where = { local: true, stage: undefined, outputs: path.join('.local', 'outputs.json') };
    expect(parseConsumerArgs(['status', '--local'])).toEqual({ command: 'status', where, json: false });
    expect(parseConsumerArgs(['pause', '--local'])).toEqual({ command: 'pause', where, yes: false, waitSeconds: 120 });
    expect(parseConsumerArgs(['resume', '--stage', 'prod', '--yes', '--wait', '0'])).toEqual({
      command: 'resume',
      where: { local: false, stage: 'prod', outputs: path.join('.local', 'outputs.json') },
      yes: true,
      waitSeconds: 0,
    });
    expect(parseConsumerArgs(['set', '--local', '--batch-size', '50', '--max-concurrency', '5', '--window', '2'])).toMatchObject({
      command: 'set',
      settings: { batchSize: 50, maxConcurrency: 5, windowSeconds: 2 },
    });
  });

  it('refuses a command without where, with both, or set without a setting', () => {
    expect(() => parseConsumerArgs(['status'])).toThrow(/Say where, once: --local .* or --stage <name>/);
    expect(() => parseConsumerArgs(['pause', '--local', '--stage', 'dev'])).toThrow(/Say where, once/);
    expect(() => parseConsumerArgs(['set', '--local'])).toThrow(
      /Say what to set: --batch-size <n>, --max-concurrency <n> and\/or --window/,
    );
  });

  it("refuses settings outside the Lambda API's bounds, naming the allowed range", () => {
    expect(() => parseConsumerArgs(['set', '--local', '--batch-size', '0'])).toThrow(
      /'--batch-size <n>' argument '0' is invalid. Use a whole number from 1 to 10000./,
    );
    expect(() => parseConsumerArgs(['set', '--local', '--max-concurrency', '1'])).toThrow(/from 2 to 1000/);
    expect(() => parseConsumerArgs(['set', '--local', '--window', '301'])).toThrow(/from 0 to 300/);
    expect(() => parseConsumerArgs(['pause', '--stage', 'qa'])).toThrow(/Allowed choices are dev, staging, prod./);
  });
});

describe('npm run consumer: the mapping on AWS', () => {
  beforeEach(() => {
    lambda.reset();
    sqs.reset();
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { QueueArn: QUEUE_ARN } });
  });

  it("finds the consumer's mapping by its queue's ARN, whichever ARN (function or alias) it invokes", async () => {
    lambda
      .on(ListEventSourceMappingsCommand, { EventSourceArn: QUEUE_ARN })
      .resolves({ EventSourceMappings: [{ UUID, FunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:Consumer:live' }] });

    expect(await findConsumerMapping(target())).toMatchObject({ UUID });
  });

  it('says what to do when no mapping reads the queue', async () => {
    lambda.on(ListEventSourceMappingsCommand).resolves({ EventSourceMappings: [] });

    await expect(findConsumerMapping(target())).rejects.toThrow(`No event source mapping reads ${QUEUE_ARN} in prod`);
  });

  it('explains AccessDenied by the permission that is missing', async () => {
    lambda
      .on(UpdateEventSourceMappingCommand)
      .rejects(
        awsError(
          'AccessDeniedException',
          'User: arn:aws:sts::123456789012:assumed-role/ReadOnly/alice is not authorized to perform: lambda:UpdateEventSourceMapping on resource: arn:aws:lambda:eu-west-1:123456789012:event-source-mapping:x',
        ),
      );

    const error = await updateMapping(target(), UUID, { Enabled: false }).catch((caught: unknown) => caught);

    expect(explainConsumerError(error, { local: false, whereFlag: '--stage prod' })).toMatch(
      /^Your AWS identity may not call lambda:UpdateEventSourceMapping .* Ask for lambda:UpdateEventSourceMapping on the stage's resources/,
    );
  });

  it('explains ResourceInUseException as a mapping still changing: wait, then retry', async () => {
    lambda.on(UpdateEventSourceMappingCommand).rejects(awsError('ResourceInUseException', 'Cannot update the event source mapping'));

    const error = await updateMapping(target(), UUID, { Enabled: true }).catch((caught: unknown) => caught);

    expect(explainConsumerError(error, { local: false, whereFlag: '--stage prod' })).toBe(
      'The event source mapping is still changing (Cannot update the event source mapping). ' +
        'Wait until "npm run consumer -- status --stage prod" shows Enabled or Disabled, then retry.',
    );
  });

  it('says to start npm start when the local pipeline cannot be reached', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3002'), { code: 'ECONNREFUSED' });

    expect(explainConsumerError(refused, { local: true, whereFlag: '--local', lambdaEndpoint: 'http://127.0.0.1:3002' })).toMatch(
      /^Cannot reach the local pipeline \(Lambda API http:\/\/127.0.0.1:3002\): is "npm start" running\?/,
    );
  });

  it('waits until the mapping has left Disabling, and gives up at the timeout with the state it saw last', async () => {
    lambda
      .on(GetEventSourceMappingCommand)
      .resolvesOnce({ UUID, State: 'Disabling' })
      .resolvesOnce({ UUID, State: 'Disabling' })
      .resolves({ UUID, State: 'Disabled' });
    const seen: string[] = [];

    const settled = await waitUntilSettled(target(), UUID, { timeoutMs: 5_000, intervalMs: 1, onState: (state) => seen.push(state) });

    expect(settled.State).toBe('Disabled');
    expect(seen).toEqual(['Disabling', 'Disabling']);
    lambda.on(GetEventSourceMappingCommand).resolves({ UUID, State: 'Updating' });
    expect((await waitUntilSettled(target(), UUID, { timeoutMs: 0, intervalMs: 1 })).State).toBe('Updating');
  });
});
