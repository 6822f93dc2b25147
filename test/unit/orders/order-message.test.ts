import {
  buildOrderMessage,
  fromOrderItem,
  isErrorNamed,
  parseOrderMessage,
  serializeOrderMessage,
  toOrderItem,
} from '@orders-pipeline/shared';
import { sampleOrder } from '../../support/fixtures';

const acceptedAt = new Date('2026-11-23T12:00:00.000Z');

const parseError = (body: string): Error => {
  try {
    parseOrderMessage(body);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected parseOrderMessage to throw');
};

describe('order message', () => {
  it('writes characters above U+FFFF as escapes, so every SQS takes the body, and reads them back exactly', () => {
    const order = sampleOrder({ customerId: 'café 😀', items: [{ sku: '𝄞-1', quantity: 1, unitPrice: 1 }] });

    const body = serializeOrderMessage(buildOrderMessage(order, acceptedAt));

    expect([...body].every((character) => (character.codePointAt(0) ?? 0) <= 0xfffd)).toBe(true);
    expect(body).toContain('\\ud83d\\ude00');
    expect(parseOrderMessage(body).order).toEqual(order);
  });

  it('round-trips an order through the queue body unchanged', () => {
    const message = buildOrderMessage(sampleOrder(), acceptedAt);
    expect(parseOrderMessage(serializeOrderMessage(message))).toEqual({
      version: 1,
      order: sampleOrder(),
      acceptedAt: '2026-11-23T12:00:00.000Z',
    });
  });

  it('round-trips through the stored DynamoDB item', () => {
    const message = buildOrderMessage(sampleOrder(), acceptedAt);
    const item = toOrderItem(message);
    expect(item).toMatchObject({ PK: 'ORDER#ord-123', SK: 'ORDER', entityType: 'Order' });
    expect(fromOrderItem(item)).toEqual({ order: message.order, acceptedAt: message.acceptedAt });
  });

  it.each([
    ['a body that is not JSON', 'not json', /not JSON/],
    ['an unknown message version', JSON.stringify({ version: 2, order: sampleOrder(), acceptedAt }), /\/version/],
    [
      'an order without orderId',
      JSON.stringify({ version: 1, order: { ...sampleOrder(), orderId: undefined }, acceptedAt }),
      /\/order\/orderId/,
    ],
    ['a missing acceptedAt', JSON.stringify({ version: 1, order: sampleOrder() }), /\/acceptedAt/],
  ])('rejects %s as an InvalidOrderMessageError naming the problem', (_case, body, reason) => {
    const error = parseError(body);
    expect(isErrorNamed(error, 'InvalidOrderMessageError')).toBe(true);
    expect(error.message).toMatch(reason);
  });
});
