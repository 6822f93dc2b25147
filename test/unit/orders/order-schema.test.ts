import { validateOrderRequest } from '@orders-pipeline/shared';
import { sampleOrder } from '../../support/fixtures';

const pointersOf = (input: unknown): string[] => {
  const result = validateOrderRequest(input);
  if (result.ok) throw new Error('expected the order to be rejected');
  return result.errors.map((error) => error.pointer);
};

describe('order schema', () => {
  it('accepts the documented sample order', () => {
    const result = validateOrderRequest(sampleOrder());
    expect(result).toEqual({ ok: true, value: sampleOrder() });
  });

  it('accepts an order without orderId (the server assigns one)', () => {
    const { orderId: _omitted, ...withoutId } = sampleOrder();
    expect(validateOrderRequest(withoutId).ok).toBe(true);
  });

  it.each([
    ['orderId starting with a dash', { orderId: '-abc' }, '/orderId'],
    ['orderId of 65 characters', { orderId: 'a'.repeat(65) }, '/orderId'],
    ['orderId with a slash', { orderId: 'a/b' }, '/orderId'],
    ['empty customerId', { customerId: '' }, '/customerId'],
    ['customerId of 65 characters', { customerId: 'c'.repeat(65) }, '/customerId'],
    ['lower-case currency', { currency: 'usd' }, '/currency'],
    ['unknown currency', { currency: 'ABC' }, '/currency'],
    ['no order lines', { items: [] }, '/items'],
    ['101 order lines', { items: Array.from({ length: 101 }, () => ({ sku: 'S', quantity: 1, unitPrice: 1 })) }, '/items'],
  ])('rejects %s', (_case, override, pointer) => {
    expect(pointersOf({ ...sampleOrder(), ...override })).toEqual([pointer]);
  });

  it.each([
    ['quantity 0', { quantity: 0 }, '/items/0/quantity'],
    ['quantity 1001', { quantity: 1001 }, '/items/0/quantity'],
    ['fractional quantity', { quantity: 1.5 }, '/items/0/quantity'],
    ['negative unitPrice', { unitPrice: -1 }, '/items/0/unitPrice'],
    ['fractional unitPrice (not minor units)', { unitPrice: 19.99 }, '/items/0/unitPrice'],
    ['unitPrice as a string', { unitPrice: '1999' }, '/items/0/unitPrice'],
    ['empty sku', { sku: '' }, '/items/0/sku'],
  ])('rejects an order line with %s', (_case, override, pointer) => {
    const order = sampleOrder();
    expect(pointersOf({ ...order, items: [{ ...order.items[0], ...override }] })).toEqual([pointer]);
  });

  it('names every unknown field, at any depth, with its own pointer', () => {
    const order = sampleOrder();
    const input = { ...order, coupon: 'X', items: [{ ...order.items[0], color: 'red' }] };
    expect(pointersOf(input).sort()).toEqual(['/coupon', '/items/0/color']);
  });

  it('reports every offending field at once, not only the first', () => {
    expect(pointersOf({ customerId: '', currency: 'usd', items: [] }).sort()).toEqual(['/currency', '/customerId', '/items']);
  });

  it('escapes "/" and "~" in JSON pointers (RFC 6901)', () => {
    expect(pointersOf({ ...sampleOrder(), 'a/b~c': 1 })).toEqual(['/a~1b~0c']);
  });

  it('words the checks without a message of their own in English (zod/mini ships no locale)', () => {
    expect(validateOrderRequest({ ...sampleOrder(), items: [7] })).toEqual({
      ok: false,
      errors: [{ pointer: '/items/0', detail: 'Invalid input: expected object, received number' }],
    });
  });
});
