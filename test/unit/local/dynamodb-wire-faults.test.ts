import { PT_VERSION } from '@aws-lambda-powertools/commons';
import { crc32 } from 'node:zlib';
import { DynamoDbWireFaults, FAULT_COUNTS, type WireResponse } from '../../../local-runtime/faults/dynamodb-wire-faults';
import { type FaultConfig, NO_FAULTS, readFaultConfig } from '../../../local-runtime/faults/fault-config';
import { callerIdFor, callerIdInUserAgent } from '../../../local-runtime/lambda/caller-id';

const always = () => 0;
const never = () => 0.999;
const TABLE = 'orders';

const putRequest = (orderId: string) => ({ PutRequest: { Item: { PK: { S: `ORDER#${orderId}` }, orderId: { S: orderId } } } });
const batchWriteBody = (orderIds: string[]) => Buffer.from(JSON.stringify({ RequestItems: { [TABLE]: orderIds.map(putRequest) } }));
const sentOrderIds = (body: Buffer): string[] =>
  (JSON.parse(body.toString()).RequestItems[TABLE] as ReturnType<typeof putRequest>[]).map((request) => request.PutRequest.Item.orderId.S);
const unprocessedOrderIds = (response: WireResponse): string[] =>
  ((JSON.parse(response.body.toString()).UnprocessedItems?.[TABLE] ?? []) as ReturnType<typeof putRequest>[]).map(
    (request) => request.PutRequest.Item.orderId.S,
  );

/** An upstream that answers as DynamoDB does when it wrote everything, and records what it was sent. */
const dynamoDb = () => {
  const sent: Buffer[] = [];
  const forward = async (body: Buffer): Promise<WireResponse> => {
    sent.push(body);
    const answer = Buffer.from('{"UnprocessedItems":{}}');
    return { status: 200, headers: { 'x-amzn-requestid': 'upstream-1', 'x-amz-crc32': String(crc32(answer)) }, body: answer };
  };
  return { sent, forward };
};

const faultsWith = (config: Partial<FaultConfig>, random: () => number, now: () => number = Date.now) => {
  const counts: string[] = [];
  return {
    faults: new DynamoDbWireFaults(
      { ...NO_FAULTS, ...config },
      { throttle: random, unprocessed: random, crash: random },
      (key) => counts.push(key),
      now,
    ),
    counts,
  };
};

describe('DynamoDbWireFaults', () => {
  it('intercepts only the batch calls the consumer makes', () => {
    const { faults } = faultsWith({}, never);
    expect(['BatchWriteItem', 'BatchGetItem', 'GetItem', 'PutItem', 'UpdateItem'].filter((op) => faults.intercepts(op))).toEqual([
      'BatchWriteItem',
      'BatchGetItem',
    ]);
  });

  it('answers a throttled call with the error DynamoDB sends, without calling upstream', async () => {
    const upstream = dynamoDb();
    const { faults, counts } = faultsWith({ throttleRate: 1 }, always);

    const { response } = await faults.handle('BatchGetItem', Buffer.from('{}'), upstream.forward);

    expect(response.status).toBe(400);
    expect(JSON.parse(response.body.toString()).__type).toMatch(/#ProvisionedThroughputExceededException$/);
    expect(response.headers['x-amz-crc32']).toBe(String(crc32(response.body)));
    expect(upstream.sent).toEqual([]);
    expect(counts).toEqual([FAULT_COUNTS.throttled]);
  });

  it('writes the first half of a batch and returns the rest as UnprocessedItems', async () => {
    const upstream = dynamoDb();
    const { faults, counts } = faultsWith({ unprocessedRate: 1 }, always);

    const { response } = await faults.handle('BatchWriteItem', batchWriteBody(['o1', 'o2', 'o3', 'o4', 'o5']), upstream.forward);

    expect(sentOrderIds(upstream.sent[0])).toEqual(['o1', 'o2', 'o3']);
    expect(unprocessedOrderIds(response)).toEqual(['o4', 'o5']);
    expect(response.headers['x-amzn-requestid']).toBe('upstream-1');
    expect(response.headers['x-amz-crc32']).toBe(String(crc32(response.body)));
    expect(response.headers['content-length']).toBe(String(response.body.byteLength));
    expect(counts).toEqual([FAULT_COUNTS.unprocessedItems, FAULT_COUNTS.unprocessedItems]);
  });

  it('never writes a stuck order, and answers without calling upstream when nothing else is left', async () => {
    const upstream = dynamoDb();
    const { faults } = faultsWith({ unprocessedOrderIds: ['hot'] }, never);

    const mixed = await faults.handle('BatchWriteItem', batchWriteBody(['a', 'hot', 'b']), upstream.forward);
    const onlyStuck = await faults.handle('BatchWriteItem', batchWriteBody(['hot']), upstream.forward);

    expect(sentOrderIds(upstream.sent[0])).toEqual(['a', 'b']);
    expect(unprocessedOrderIds(mixed.response)).toEqual(['hot']);
    expect(upstream.sent).toHaveLength(1);
    expect(onlyStuck.response.status).toBe(200);
    expect(unprocessedOrderIds(onlyStuck.response)).toEqual(['hot']);
  });

  it('forwards the untouched body and answer when no fault fires', async () => {
    const upstream = dynamoDb();
    const { faults, counts } = faultsWith({ throttleRate: 0.5, unprocessedRate: 0.5, crashRate: 0.5 }, never);
    const body = batchWriteBody(['o1', 'o2']);

    const outcome = await faults.handle('BatchWriteItem', body, upstream.forward);

    expect(upstream.sent).toEqual([body]);
    expect(outcome.response.body.toString()).toBe('{"UnprocessedItems":{}}');
    expect(outcome.crashCaller).toBe(false);
    expect(counts).toEqual([]);
  });

  it('throttles every batch call from the first one until the storm has lasted its seconds, then forwards again', async () => {
    const upstream = dynamoDb();
    let clock = 1_000_000;
    const { faults, counts } = faultsWith({ throttleStormSeconds: 60 }, never, () => clock);

    clock += 30_000; // the storm starts with the first call, not with the runtime
    const first = await faults.handle('BatchGetItem', Buffer.from('{}'), upstream.forward);
    clock += 59_999;
    const last = await faults.handle('BatchWriteItem', batchWriteBody(['o1']), upstream.forward);
    clock += 1;
    const after = await faults.handle('BatchWriteItem', batchWriteBody(['o1']), upstream.forward);

    expect([first, last, after].map(({ response }) => response.status)).toEqual([400, 400, 200]);
    expect(JSON.parse(last.response.body.toString()).__type).toMatch(/#ProvisionedThroughputExceededException$/);
    expect(upstream.sent).toHaveLength(1);
    expect(counts).toEqual([FAULT_COUNTS.throttled, FAULT_COUNTS.throttled]);
  });

  it('crashes the caller only after a write went through', async () => {
    const { faults, counts } = faultsWith({ crashRate: 1 }, always);
    const written = await faults.handle('BatchWriteItem', batchWriteBody(['o1']), dynamoDb().forward);
    const refused = await faults.handle('BatchWriteItem', batchWriteBody(['o1']), async () => ({
      status: 500,
      headers: {},
      body: Buffer.from('{}'),
    }));

    expect(written.crashCaller).toBe(true);
    expect(refused.crashCaller).toBe(false);
    expect(counts).toEqual([FAULT_COUNTS.crashes]);
  });
});

describe('readFaultConfig', () => {
  it('is off when the variable is unset or blank', () => {
    expect(readFaultConfig(undefined)).toBeUndefined();
    expect(readFaultConfig(' ')).toBeUndefined();
  });

  it('fills unspecified faults with none', () => {
    expect(readFaultConfig('{"throttleRate":0.05}')).toEqual({ ...NO_FAULTS, throttleRate: 0.05 });
  });

  it.each([
    ['not JSON', 'throttle', /must be JSON/],
    ['a list', '[0.1]', /must be a JSON object/],
    ['an unknown key', '{"throttle":0.1}', /unknown keys throttle/],
    ['a rate above 1', '{"crashRate":5}', /crashRate must be a number from 0 to 1/],
    ['a rate that is not a number', '{"crashRate":"0.1"}', /crashRate must be a number from 0 to 1/],
    ['a negative latency', '{"latencyMs":-1}', /latencyMs/],
    ['a negative storm', '{"throttleStormSeconds":-5}', /throttleStormSeconds must be a non-negative number/],
    ['stuck ids that are not a list', '{"unprocessedOrderIds":"a"}', /unprocessedOrderIds/],
  ])('refuses %s with a message saying what to fix', (_case, raw, message) => {
    expect(() => readFaultConfig(raw)).toThrow(message);
  });
});

describe('callerIdInUserAgent', () => {
  /** The app id as Powertools leaves it (it appends its tags), escaped as the SDK writes it into the user agent. */
  const userAgentWith = (callerId: string) =>
    `aws-sdk-js/3.1163.0 ua/2.1 lang/js md/nodejs#22.23.3 api/dynamodb#3.1163.0 app/${`${callerId}/PT/NO-OP/${PT_VERSION}/PTEnv/AWS_Lambda_nodejs22.x`.replace(/[^!$%&'*+\-.^_`|~\w#]/g, '-')}`;

  it('finds the environment in the SDK user agent, whatever Powertools appends to the app id', () => {
    expect(callerIdInUserAgent(userAgentWith(callerIdFor(2)))).toBe('~2');
    expect(callerIdInUserAgent(userAgentWith(callerIdFor(36 ** 4 - 1)))).toBe('~zzzz');
  });

  it('finds nothing in a user agent without one', () => {
    expect(callerIdInUserAgent('aws-sdk-js/3.1163.0 app/my-app')).toBeUndefined();
    expect(callerIdInUserAgent('aws-sdk-js/3.1163.0 app/lemon')).toBeUndefined();
  });
});

describe('callerIdFor', () => {
  it("keeps the app id within the SDK's 50 characters once Powertools has appended its tags, so the SDK does not warn", () => {
    for (const environmentNumber of [1, 35, 36 ** 4 - 1, 36 ** 4, 10 ** 9]) {
      const appId = `${callerIdFor(environmentNumber)}/PT/NO-OP/${PT_VERSION}/PTEnv/AWS_Lambda_nodejs22.x`;
      expect(appId.length).toBeLessThanOrEqual(50);
    }
  });
});
