import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { buildOrderMessage, serializeOrderMessage } from '@orders-pipeline/shared';
import { redriveByCopy } from '../../ops/dlq/redrive-by-copy';
import { traceOrder } from '../../ops/trace/trace-order';
import type { Journey } from '../../ops/trace/journey';
import { localSources } from '../../ops/trace/sources';
import { sampleOrder } from '../support/fixtures';
import { eventually, runtimeForSuite } from '../support/local-runtime-harness';

const PROJECT_ROOT = path.join(__dirname, '..', '..');

/** `npm run trace` end to end on the local runtime: a stored, a duplicate, a dead-lettered and a redriven order. */
describe('npm run trace (local runtime)', () => {
  const harness = runtimeForSuite();
  const trace = async (orderId: string): Promise<Journey> => {
    const sources = localSources(harness.runtime.outputsFile);
    try {
      return await traceOrder(orderId, sources);
    } finally {
      sources.close();
    }
  };
  const post = (order: unknown, headers: Record<string, string> = {}) =>
    fetch(`${harness.runtime.apiUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(order),
    });
  const steps = (journey: Journey) => journey.steps.map((step) => `${step.step}: ${step.detail}`);
  // The consumer writes the table first and logs its batch line after: a journey is complete once both show.
  const storedAndLogged = async (orderId: string): Promise<Journey> =>
    eventually(`${orderId} stored and its delivery logged`, async () => {
      const traced = await trace(orderId);
      return traced.status === 'STORED' && traced.steps.some((step) => step.step === 'received') ? traced : undefined;
    });

  it('traces a stored order: accepted with its correlation id, delivered once, stored', async () => {
    await post(sampleOrder({ orderId: 'trace-stored' }), { 'x-correlation-id': 'trace-req-1' });
    const journey = await storedAndLogged('trace-stored');

    expect(steps(journey)).toEqual([
      expect.stringMatching(/^accepted: POST \/orders, correlation id trace-req-1, invocation \S+$/),
      expect.stringMatching(/^received: message \S+, delivery 1, invocation \S+: stored by this delivery, correlation id trace-req-1$/),
    ]);
  }, 40_000);

  it('traces a duplicate: both requests accepted, the second delivery settled as already stored', async () => {
    await post(sampleOrder({ orderId: 'trace-dup' }));
    await eventually('the first copy stored', async () => (await harness.storedOrder('trace-dup')) ?? undefined);
    await post(sampleOrder({ orderId: 'trace-dup' }));
    const journey = await eventually('both deliveries logged', async () => {
      const traced = await trace('trace-dup');
      return traced.steps.filter((step) => step.step === 'received').length === 2 ? traced : undefined;
    });

    expect(journey.status).toBe('STORED');
    expect(steps(journey).filter((step) => step.startsWith('accepted'))).toHaveLength(2);
    expect(steps(journey).filter((step) => step.startsWith('received'))).toEqual([
      expect.stringContaining('stored by this delivery'),
      expect.stringContaining('already stored: a duplicate delivery'),
    ]);
  }, 40_000);

  it('traces a dead-lettered order: the consumer sent it to the DLQ with the reason, and it is there now', async () => {
    // A message no retry can fix (its order has no items), as a bug in a producer would send it.
    await harness.sqs.send(
      new SendMessageCommand({
        QueueUrl: harness.outputs.QueueUrl,
        MessageBody: JSON.stringify({ version: 1, order: { orderId: 'trace-poison' }, acceptedAt: new Date().toISOString() }),
        MessageAttributes: { orderId: { DataType: 'String', StringValue: 'trace-poison' } },
      }),
    );
    const journey = await eventually('the order in the DLQ', async () => {
      const traced = await trace('trace-poison');
      // The consumer logs its batch line after it has sent the message on: wait for both.
      return traced.status === 'IN THE DLQ' && traced.steps.some((step) => step.step === 'dead-lettered') ? traced : undefined;
    });

    expect(steps(journey)).toEqual([
      expect.stringMatching(/^in the DLQ: DLQ message \S+ \(order queue message \S+\): InvalidOrderMessageError, .+; redrive with/),
      expect.stringMatching(
        /^dead-lettered: message \S+, delivery 1, invocation \S+: not an order message: sent to the DLQ at once \(.+\)$/,
      ),
    ]);
  }, 40_000);

  it('traces a redriven order: in the DLQ, redriven by an operator, then stored', async () => {
    // A valid order SQS had moved to the DLQ (say, during a DynamoDB outage), redriven once the cause is fixed.
    const message = buildOrderMessage(sampleOrder({ orderId: 'trace-redriven' }) as Parameters<typeof buildOrderMessage>[0], new Date());
    await harness.sqs.send(
      new SendMessageCommand({
        QueueUrl: harness.outputs.DeadLetterQueueUrl,
        MessageBody: serializeOrderMessage(message),
        MessageAttributes: { orderId: { DataType: 'String', StringValue: 'trace-redriven' } },
      }),
    );
    expect((await trace('trace-redriven')).status).toBe('IN THE DLQ');

    await redriveByCopy({
      sqs: harness.sqs,
      deadLetterQueueUrl: harness.outputs.DeadLetterQueueUrl,
      queueUrl: harness.outputs.QueueUrl,
      filter: (letter) => letter.orderId === 'trace-redriven',
    });
    const journey = await storedAndLogged('trace-redriven');

    expect(steps(journey)).toEqual([
      expect.stringMatching(/^redriven: back on the order queue from DLQ message \S+$/),
      expect.stringContaining('stored by this delivery'),
    ]);
  }, 40_000);

  it('answers an unknown order clearly, with exit code 1, through the CLI', async () => {
    const result = await promisify(execFile)(
      path.join(PROJECT_ROOT, 'node_modules', '.bin', 'ts-node'),
      ['--transpile-only', 'ops/trace-cli.ts', 'trace-never-sent', '--outputs', harness.runtime.outputsFile],
      { cwd: PROJECT_ROOT },
    ).then(
      () => ({ code: 0, stdout: '' }),
      (error: { code: number; stdout: string }) => error,
    );

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/No trace of order trace-never-sent on the local pipeline: it is not in the orders table or the DLQ/);
  }, 60_000);
});
