import { type OrderMessage, type OrderStore, isErrorNamed } from '@orders-pipeline/shared';
import { BatchingOrderWriter } from '../../../functions/consumer/batching-order-writer';
import { orderMessage } from '../../support/fixtures';
import { ScriptedOrderStore, type WriteScript, namedError } from '../../support/scripted-order-store';

const noDelay = { baseDelayMs: 0, maxDelayMs: 0 };
const plentyOfTime = () => 60_000;

const writeAll = (writer: BatchingOrderWriter, messages: OrderMessage[]) =>
  Promise.allSettled(messages.map((message) => writer.write(message)));

const messages = (count: number, prefix = 'ord') => Array.from({ length: count }, (_, i) => orderMessage(`${prefix}-${i}`));

describe('BatchingOrderWriter', () => {
  it('gathers concurrent writes into BatchWriteItem calls of at most 25 items', async () => {
    const store = new ScriptedOrderStore();
    const writer = new BatchingOrderWriter(store, { remainingTimeMs: plentyOfTime, backoff: noDelay });

    const results = await writeAll(writer, messages(60));

    expect(results.every((result) => result.status === 'fulfilled')).toBe(true);
    expect(store.calls.map((call) => call.length)).toEqual([25, 25, 10]);
    expect(store.stored.size).toBe(60);
    expect(writer.stats).toMatchObject({ ordersStored: 60, batchWriteCalls: 3 });
  });

  it('writes an order delivered twice in one batch once, and settles both records', async () => {
    const store = new ScriptedOrderStore();
    const writer = new BatchingOrderWriter(store, { remainingTimeMs: plentyOfTime, backoff: noDelay });
    const first = orderMessage('ord-dup', new Date('2026-11-23T12:00:00Z'));
    const replay = orderMessage('ord-dup', new Date('2026-11-23T13:00:00Z'));

    const results = await writeAll(writer, [first, replay, orderMessage('ord-other')]);

    expect(results).toEqual([
      { status: 'fulfilled', value: 'written' },
      { status: 'fulfilled', value: 'alreadyStored' },
      { status: 'fulfilled', value: 'written' },
    ]);
    expect(store.calls).toEqual([['ord-dup', 'ord-other']]);
    expect(store.stored.get('ord-dup')?.acceptedAt).toBe(first.acceptedAt);
    expect(writer.stats.duplicatesSkipped).toBe(1);
  });

  it('skips orders already stored, so a replay never rewrites them (first write wins)', async () => {
    const store = new ScriptedOrderStore();
    const original = orderMessage('ord-1', new Date('2026-11-23T12:00:00Z'));
    store.stored.set('ord-1', original);
    const writer = new BatchingOrderWriter(store, { remainingTimeMs: plentyOfTime, backoff: noDelay });

    const results = await writeAll(writer, [orderMessage('ord-1', new Date('2026-11-24T00:00:00Z')), orderMessage('ord-2')]);

    expect(results).toEqual([
      { status: 'fulfilled', value: 'alreadyStored' },
      { status: 'fulfilled', value: 'written' },
    ]);
    expect(store.calls).toEqual([['ord-2']]);
    expect(store.stored.get('ord-1')).toBe(original);
    expect(writer.stats).toMatchObject({ duplicatesSkipped: 1, ordersStored: 1, batchGetCalls: 1, batchWriteCalls: 1 });
  });

  it('looks up at most 100 orders per BatchGetItem and writes 25 per BatchWriteItem: 5 requests per 100 orders', async () => {
    const store = new ScriptedOrderStore();
    const writer = new BatchingOrderWriter(store, { remainingTimeMs: plentyOfTime, backoff: noDelay });

    await writeAll(writer, messages(200));

    expect(store.lookups.map((lookup) => lookup.length)).toEqual([100, 100]);
    expect(store.calls.map((call) => call.length)).toEqual(Array(8).fill(25));
  });

  it('retries UnprocessedKeys of the lookup, and fails the records whose lookup never completes', async () => {
    const lookupScript = (ids: readonly string[]) => ({ unprocessed: ids.filter((id) => id === 'ord-1') });
    const store = new ScriptedOrderStore(undefined, lookupScript);
    let remainingMs = 10_000;
    const writer = new BatchingOrderWriter(store, { remainingTimeMs: () => (remainingMs -= 3_000), backoff: noDelay });

    const results = await writeAll(writer, messages(3));

    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(((results[1] as PromiseRejectedResult).reason as Error).message).toMatch(/UnprocessedKeys/);
    expect(store.lookups.length).toBeGreaterThan(1);
    expect(store.calls).toEqual([['ord-0', 'ord-2']]);
  });

  it('retries UnprocessedItems until DynamoDB takes them', async () => {
    const script: WriteScript = (batch, call) => ({ unprocessed: call === 1 ? batch.slice(0, 2) : [] });
    const store = new ScriptedOrderStore(script);
    const writer = new BatchingOrderWriter(store, { remainingTimeMs: plentyOfTime, backoff: noDelay });

    const results = await writeAll(writer, messages(5));

    expect(results.every((result) => result.status === 'fulfilled')).toBe(true);
    expect(store.calls).toEqual([
      ['ord-0', 'ord-1', 'ord-2', 'ord-3', 'ord-4'],
      ['ord-0', 'ord-1'],
    ]);
    expect(writer.stats).toMatchObject({ ordersStored: 5, batchWriteCalls: 2, unprocessedRetries: 2 });
  });

  it('fails only the orders still unprocessed when the time budget runs out', async () => {
    const stuck = new Set(['ord-1', 'ord-3']);
    const script: WriteScript = (batch) => ({ unprocessed: batch.filter((m) => stuck.has(m.order.orderId)) });
    const store = new ScriptedOrderStore(script);
    let remainingMs = 10_000;
    const writer = new BatchingOrderWriter(store, {
      remainingTimeMs: () => (remainingMs -= 3_000),
      safetyMarginMs: 1_000,
      backoff: noDelay,
    });

    const results = await writeAll(writer, messages(5));

    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    const failure = (results[1] as PromiseRejectedResult).reason as Error;
    expect(isErrorNamed(failure, 'OrderNotWrittenError')).toBe(true);
    expect(failure.message).toMatch(/ord-1.*UnprocessedItems/);
    expect(store.calls.length).toBeGreaterThan(1);
  });

  it('retries a throttled call and stores everything once DynamoDB recovers', async () => {
    const script: WriteScript = (_batch, call) => (call <= 2 ? namedError('ProvisionedThroughputExceededException') : { unprocessed: [] });
    const store = new ScriptedOrderStore(script);
    const writer = new BatchingOrderWriter(store, { remainingTimeMs: plentyOfTime, backoff: noDelay });

    const results = await writeAll(writer, messages(3));

    expect(results.every((result) => result.status === 'fulfilled')).toBe(true);
    expect(store.calls).toHaveLength(3);
  });

  it('marks throttling and server faults as retryable, and an error no retry can fix as not', async () => {
    const throttledStore = new ScriptedOrderStore(() => namedError('ProvisionedThroughputExceededException'));
    const serverFault = new ScriptedOrderStore(() => Object.assign(namedError('SomeNewServerError'), { $fault: 'server' }));
    const invalid = new ScriptedOrderStore(() => namedError('ValidationException'));
    const outOfTime = { remainingTimeMs: () => 1_100, backoff: noDelay };

    const reasons = await Promise.all(
      [throttledStore, serverFault, invalid].map(async (store) => {
        const [result] = await writeAll(new BatchingOrderWriter(store, outOfTime), messages(1));
        return ((result as PromiseRejectedResult).reason as { retryable: boolean }).retryable;
      }),
    );

    expect(reasons).toEqual([true, true, false]);
  });

  it('stops waiting for a call that outlasts the time budget, and fails its records as retryable', async () => {
    const hung: OrderStore = {
      maxBatchSize: 25,
      maxLookupSize: 100,
      writeBatch: () => new Promise(() => {}),
      findStored: async () => ({ stored: new Set(), unprocessed: [] }),
    };
    const writer = new BatchingOrderWriter(hung, { remainingTimeMs: () => 1_200, safetyMarginMs: 1_000, backoff: noDelay });

    const started = Date.now();
    const [result] = await writeAll(writer, messages(1));

    expect(Date.now() - started).toBeLessThan(1_000);
    const failure = (result as PromiseRejectedResult).reason as Error & { retryable: boolean };
    expect(failure.message).toMatch(/BatchWriteItem did not answer before the time budget ran out/);
    expect(failure.retryable).toBe(true);
  });

  it('fails the chunk at once on an error no retry can fix, leaving other chunks written', async () => {
    const script: WriteScript = (batch) =>
      batch.some((m) => m.order.orderId === 'ord-30') ? namedError('ValidationException') : { unprocessed: [] };
    const store = new ScriptedOrderStore(script);
    const writer = new BatchingOrderWriter(store, { remainingTimeMs: plentyOfTime, backoff: noDelay });

    const results = await writeAll(writer, messages(40));

    expect(results.slice(0, 25).every((result) => result.status === 'fulfilled')).toBe(true);
    expect(results.slice(25).every((result) => result.status === 'rejected')).toBe(true);
    expect(store.calls).toHaveLength(2);
    const failure = (results[30] as PromiseRejectedResult).reason as Error;
    expect(failure.message).toMatch(/ValidationException/);
  });
});
