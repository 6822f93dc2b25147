import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { buildOrderMessage, serializeOrderMessage } from '@orders-pipeline/shared';
import { sampleOrder } from '../support/fixtures';
import { RuntimeHarness, eventually } from '../support/local-runtime-harness';

/** An endpoint that accepts connections and never answers. */
const startHungEndpoint = async (): Promise<{ url: string; server: Server; sockets: Set<Socket> }> => {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, sockets };
};

describe('local runtime: a consumer invocation that times out', () => {
  let hung: Awaited<ReturnType<typeof startHungEndpoint>>;
  let harness: RuntimeHarness;

  beforeAll(async () => {
    hung = await startHungEndpoint();
    // DynamoDB and SQS both hang: the writer gives up on DynamoDB at its time budget, then the call that would hold the
    // records back (ChangeMessageVisibilityBatch) hangs until the invocation times out.
    harness = new RuntimeHarness({
      visibilityTimeoutSeconds: 3,
      timeoutOverrides: { ConsumerFunction: 2 },
      environmentOverrides: { ConsumerFunction: { AWS_ENDPOINT_URL_DYNAMODB: hung.url, AWS_ENDPOINT_URL_SQS: hung.url } },
    });
    await harness.start();
  }, 60_000);

  afterAll(async () => {
    await harness.stop();
    harness.removeData();
    for (const socket of hung.sockets) socket.destroy();
    hung.server.close();
  }, 30_000);

  it('fails the whole batch, and its records come back after the visibility timeout', async () => {
    const body = serializeOrderMessage(buildOrderMessage(sampleOrder({ orderId: 'it-timeout-1' }), new Date()));
    const { MessageId } = await harness.sqs.send(new SendMessageCommand({ QueueUrl: harness.outputs.QueueUrl, MessageBody: body }));

    const [first, second] = await eventually(
      'a second delivery of the timed-out record',
      () => {
        const attempts = harness.batchesWith(MessageId as string);
        return attempts.length >= 2 ? attempts : undefined;
      },
      30_000,
    );

    expect(first.error).toMatch(/Sandbox.Timedout: Task timed out after 2.00 seconds/);
    expect(first.failed).toBe(1);
    expect(first.receiveCounts).toEqual([1]);
    expect(second.receiveCounts).toEqual([2]);
  }, 45_000);
});
