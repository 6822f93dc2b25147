import { FaultConfig, FaultInjectingOrderStore, readFaultConfig } from '@orders-pipeline/shared';
import { orderMessage } from '../../support/fixtures';
import { ScriptedOrderStore } from '../../support/scripted-order-store';

const none: FaultConfig = { throttleRate: 0, unprocessedRate: 0, crashRate: 0, latencyMs: 0, unprocessedOrderIds: [] };
const always = () => 0;
const never = () => 0.999;

describe('readFaultConfig', () => {
  it('is off when the variable is unset or empty', () => {
    expect(readFaultConfig(undefined)).toBeUndefined();
    expect(readFaultConfig(' ')).toBeUndefined();
  });

  it('fills unspecified faults with zero', () => {
    expect(readFaultConfig('{"throttleRate":0.05}')).toEqual({ ...none, throttleRate: 0.05 });
  });

  it.each([
    ['not JSON', 'throttle', /must be JSON/],
    ['an unknown key', '{"throttle":0.1}', /unknown keys throttle/],
    ['a rate above 1', '{"crashRate":5}', /crashRate must be a number from 0 to 1/],
    ['a negative latency', '{"latencyMs":-1}', /latencyMs/],
    ['stuck ids that are not a list', '{"unprocessedOrderIds":"a"}', /unprocessedOrderIds/],
  ])('refuses %s with a message saying what to fix', (_case, raw, message) => {
    expect(() => readFaultConfig(raw)).toThrow(message);
  });
});

describe('FaultInjectingOrderStore', () => {
  const batch = ['ord-1', 'ord-2', 'ord-3', 'ord-4'].map((id) => orderMessage(id));

  it('throttles a call without touching DynamoDB', async () => {
    const inner = new ScriptedOrderStore();
    const store = new FaultInjectingOrderStore(inner, { ...none, throttleRate: 1 }, always);

    await expect(store.writeBatch(batch)).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    await expect(store.findStored(['ord-1'])).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    expect(inner.calls).toEqual([]);
  });

  it('writes only half of a batch and returns the rest as unprocessed, for real', async () => {
    const inner = new ScriptedOrderStore();
    const store = new FaultInjectingOrderStore(inner, { ...none, unprocessedRate: 1 }, always);

    const outcome = await store.writeBatch(batch);

    expect(outcome.unprocessed.map((m) => m.order.orderId)).toEqual(['ord-3', 'ord-4']);
    expect([...inner.stored.keys()]).toEqual(['ord-1', 'ord-2']);
  });

  it('never writes the orders listed as stuck, and returns them as unprocessed', async () => {
    const inner = new ScriptedOrderStore();
    const store = new FaultInjectingOrderStore(inner, { ...none, unprocessedOrderIds: ['ord-2'] }, never);

    const outcome = await store.writeBatch(batch);

    expect(outcome.unprocessed.map((m) => m.order.orderId)).toEqual(['ord-2']);
    expect([...inner.stored.keys()]).toEqual(['ord-1', 'ord-3', 'ord-4']);
  });

  it('crashes after a write has reached DynamoDB: the middle of a batch', async () => {
    const inner = new ScriptedOrderStore();
    const crash = jest.fn(() => {
      throw new Error('process would exit here');
    }) as unknown as () => never;
    const store = new FaultInjectingOrderStore(inner, { ...none, crashRate: 1 }, always, crash);

    await expect(store.writeBatch(batch)).rejects.toThrow('process would exit here');
    expect(inner.stored.size).toBe(4);
  });

  it('passes everything through when no fault fires', async () => {
    const inner = new ScriptedOrderStore();
    const store = new FaultInjectingOrderStore(inner, { ...none, throttleRate: 0.5, unprocessedRate: 0.5, crashRate: 0.5 }, never);

    expect(await store.writeBatch(batch)).toEqual({ unprocessed: [] });
    expect(inner.stored.size).toBe(4);
  });
});
