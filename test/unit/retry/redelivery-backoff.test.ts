import {
  MAX_REDELIVERY_DELAY_SECONDS,
  SQS_MAX_VISIBILITY_SECONDS,
  redeliveryBackoffFor,
  redeliveryDelaySeconds,
  redeliveryWindowSeconds,
} from '@orders-pipeline/shared';

describe('redeliveryDelaySeconds', () => {
  const backoff = { firstDelaySeconds: 86 };

  it('starts at the first delay and doubles with every receive', () => {
    expect([1, 2, 3, 4].map((receive) => redeliveryDelaySeconds(receive, backoff))).toEqual([86, 172, 344, 688]);
  });

  it('never asks for more than what a receive has left of SQS 12-hour visibility limit', () => {
    expect(MAX_REDELIVERY_DELAY_SECONDS).toBe(SQS_MAX_VISIBILITY_SECONDS - 900);
    expect(redeliveryDelaySeconds(20, backoff)).toBe(42_300);
  });

  it('counts a receive count SQS did not send as the first receive', () => {
    expect(redeliveryDelaySeconds(Number.NaN, backoff)).toBe(86);
    expect(redeliveryDelaySeconds(0, backoff)).toBe(86);
  });

  it('rounds fractions of a second up, since SQS takes whole seconds', () => {
    expect(redeliveryDelaySeconds(1, { firstDelaySeconds: 1.2 })).toBe(2);
  });
});

describe('redeliveryWindowSeconds', () => {
  it('adds the delays before the last receive: the one after it only postpones the DLQ', () => {
    expect(redeliveryWindowSeconds(3, { firstDelaySeconds: 86 })).toBe(86 + 172);
    expect(redeliveryWindowSeconds(5, { firstDelaySeconds: 240 })).toBe(240 * 15);
    expect(redeliveryWindowSeconds(1, { firstDelaySeconds: 240 })).toBe(0);
  });
});

describe('redeliveryBackoffFor', () => {
  it('sizes the shortest first delay whose window spans the storm (dev: 10 minutes over 3 receives)', () => {
    expect(redeliveryBackoffFor(600, 3)).toEqual({ firstDelaySeconds: 200 });
    expect(redeliveryWindowSeconds(3, { firstDelaySeconds: 199 })).toBeLessThan(600);
  });

  it('sizes prod: an hour over 5 receives', () => {
    expect(redeliveryBackoffFor(3_600, 5)).toEqual({ firstDelaySeconds: 240 });
  });

  it('raises the first delay where the 12-hour cap cuts the later ones short', () => {
    const storm = 36 * 3_600; // a day and a half over 5 receives: the doubling alone would ask for more than 12 hours
    const { firstDelaySeconds } = redeliveryBackoffFor(storm, 5);
    expect(firstDelaySeconds).toBeGreaterThan(Math.ceil(storm / 15));
    expect(redeliveryWindowSeconds(5, { firstDelaySeconds })).toBeGreaterThanOrEqual(storm);
    expect(redeliveryWindowSeconds(5, { firstDelaySeconds: firstDelaySeconds - 1 })).toBeLessThan(storm);
  });

  it('waits at least a second, even for no storm at all', () => {
    expect(redeliveryBackoffFor(0, 3)).toEqual({ firstDelaySeconds: 1 });
  });

  it('refuses a storm that maxReceiveCount receives cannot span within SQS limits, saying what to change', () => {
    expect(() => redeliveryBackoffFor(86_400, 2)).toThrow(/raise maxReceiveCount or shorten the storm/);
    expect(() => redeliveryBackoffFor(1, 1)).toThrow(/1 receives span at most 0 s/);
    expect(() => redeliveryBackoffFor(600, 0)).toThrow(/maxReceiveCount must be a whole number of at least 1/);
    expect(() => redeliveryBackoffFor(-1, 3)).toThrow(/non-negative number of seconds/);
  });
});
