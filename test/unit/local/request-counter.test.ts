import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RequestCounter } from '../../../local-runtime/request-counter';
import { SharedCounts } from '../../../local-runtime/shared-counts';

/** Stands in for fauxqs: answers every call with a body holding one of its queue URLs (127.0.0.1, its own port). */
const fakeEmulator = async (): Promise<{ server: http.Server; endpoint: string; queueUrl: string }> => {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const port = (server.address() as AddressInfo).port;
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify({ QueueUrl: `http://127.0.0.1:${port}/000000000000/orders`, Other: 'http://127.0.0.1:1/elsewhere' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { server, endpoint: `http://127.0.0.1:${port}`, queueUrl: `http://127.0.0.1:${port}/000000000000/orders` };
};

const post = async (endpoint: string, headers: Record<string, string>, body: string) => {
  const response = await fetch(endpoint, { method: 'POST', headers, body });
  return (await response.json()) as Record<string, string>;
};

describe('RequestCounter', () => {
  let emulator: Awaited<ReturnType<typeof fakeEmulator>>;
  let counter: RequestCounter;
  let counts: SharedCounts;

  beforeEach(async () => {
    emulator = await fakeEmulator();
    counts = new SharedCounts();
    counter = await RequestCounter.start('sqs', new URL(emulator.endpoint), counts);
  });

  afterEach(async () => {
    await counter.stop();
    await new Promise<void>((resolve) => emulator.server.close(() => resolve()));
  });

  it("moves the emulator's queue URLs in a GetQueueUrl answer onto the counter, so that calls to them stay counted", async () => {
    const answer = await post(counter.endpoint, { 'x-amz-target': 'AmazonSQS.GetQueueUrl' }, '{"QueueName":"orders"}');

    expect(answer.QueueUrl).toBe(`${counter.endpoint}/000000000000/orders`);
    expect(answer.Other).toBe('http://127.0.0.1:1/elsewhere');
    expect(counts.requestCounts()).toEqual({ 'sqs:GetQueueUrl': 1 });
  });

  it('passes the answers of other operations on as they are', async () => {
    const answer = await post(counter.endpoint, { 'x-amz-target': 'AmazonSQS.SendMessage' }, '{}');

    expect(answer.QueueUrl).toBe(emulator.queueUrl);
    expect(counts.requestCounts()).toEqual({ 'sqs:SendMessage': 1 });
  });

  it("counts a query protocol call by the Action in its body, and moves its answer's queue URLs too", async () => {
    const answer = await post(
      counter.endpoint,
      { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      'Action=CreateQueue&QueueName=orders&Version=2012-11-05',
    );

    expect(answer.QueueUrl).toBe(`${counter.endpoint}/000000000000/orders`);
    expect(counts.requestCounts()).toEqual({ 'sqs:CreateQueue': 1 });
    expect(counts.billedUsage().sqsRequests).toBe(1);
  });

  it('counts a call that names no operation as unknown', async () => {
    await post(counter.endpoint, { 'content-type': 'application/json' }, '{}');

    expect(counts.requestCounts()).toEqual({ 'sqs:unknown': 1 });
  });
});
