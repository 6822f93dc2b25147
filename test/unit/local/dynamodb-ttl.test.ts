import {
  TTL_CHANGE_INTERVAL_MS,
  type TtlSetting,
  isExpired,
  oldestExpirableSeconds,
  timeToLiveDescription,
  updateTimeToLive,
} from '../../../local-runtime/emulators/dynamodb-ttl';

const NOW_MS = Date.UTC(2026, 10, 30, 15, 0, 0);
const NOW_S = NOW_MS / 1000;
const enabled = (attributeName: string, modifiedAtMs = NOW_MS - 2 * TTL_CHANGE_INTERVAL_MS): TtlSetting => ({
  enabled: true,
  attributeName,
  modifiedAtMs,
});
const disabled = (attributeName: string, modifiedAtMs = NOW_MS - 2 * TTL_CHANGE_INTERVAL_MS): TtlSetting => ({
  enabled: false,
  attributeName,
  modifiedAtMs,
});

describe('updateTimeToLive', () => {
  it('enables TTL on a table that never had it, and remembers when', () => {
    expect(updateTimeToLive(undefined, { Enabled: true, AttributeName: 'expiration' }, NOW_MS)).toEqual({
      setting: { enabled: true, attributeName: 'expiration', modifiedAtMs: NOW_MS },
    });
  });

  it('refuses to enable TTL again on the same attribute', () => {
    expect(updateTimeToLive(enabled('expiration'), { Enabled: true, AttributeName: 'expiration' }, NOW_MS)).toEqual({
      error: 'TimeToLive is already enabled',
    });
  });

  it('refuses to move enabled TTL to another attribute, naming the current one', () => {
    expect(updateTimeToLive(enabled('expiration'), { Enabled: true, AttributeName: 'expiresAt' }, NOW_MS)).toEqual({
      error: 'TimeToLive is active on a different AttributeName: current AttributeName is expiration',
    });
  });

  it('refuses to disable TTL that is not enabled, whether never configured or disabled before', () => {
    for (const current of [undefined, disabled('expiration')]) {
      expect(updateTimeToLive(current, { Enabled: false, AttributeName: 'expiration' }, NOW_MS)).toEqual({
        error: 'TimeToLive is already disabled',
      });
    }
  });

  it('refuses to disable TTL under another attribute name than the enabled one', () => {
    expect(updateTimeToLive(enabled('expiration'), { Enabled: false, AttributeName: 'other' }, NOW_MS)).toEqual({
      error: 'TimeToLive is active on a different AttributeName: current AttributeName is expiration',
    });
  });

  it('refuses a second change within one hour of the last, and accepts it once the hour has passed', () => {
    const justEnabled = enabled('expiration', NOW_MS - TTL_CHANGE_INTERVAL_MS + 1);
    expect(updateTimeToLive(justEnabled, { Enabled: false, AttributeName: 'expiration' }, NOW_MS)).toEqual({
      error: 'Time to live has been modified multiple times within a fixed interval',
    });
    const anHourAgo = enabled('expiration', NOW_MS - TTL_CHANGE_INTERVAL_MS);
    expect(updateTimeToLive(anHourAgo, { Enabled: false, AttributeName: 'expiration' }, NOW_MS)).toEqual({
      setting: { enabled: false, attributeName: 'expiration', modifiedAtMs: NOW_MS },
    });
  });

  it('counts a disable as a change: re-enabling, even on a new attribute, waits for the hour', () => {
    const justDisabled = disabled('expiration', NOW_MS - 60_000);
    expect(updateTimeToLive(justDisabled, { Enabled: true, AttributeName: 'expiresAt' }, NOW_MS)).toEqual({
      error: 'Time to live has been modified multiple times within a fixed interval',
    });
  });

  it('checks what is asked before the interval: a repeated enable within the hour says it is already enabled', () => {
    const justEnabled = enabled('expiration', NOW_MS - 1_000);
    expect(updateTimeToLive(justEnabled, { Enabled: true, AttributeName: 'expiration' }, NOW_MS)).toEqual({
      error: 'TimeToLive is already enabled',
    });
  });
});

describe('timeToLiveDescription', () => {
  it('names the attribute only while TTL is enabled', () => {
    expect(timeToLiveDescription(enabled('expiration'))).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiration' });
    expect(timeToLiveDescription(disabled('expiration'))).toEqual({ TimeToLiveStatus: 'DISABLED' });
    expect(timeToLiveDescription(undefined)).toEqual({ TimeToLiveStatus: 'DISABLED' });
  });
});

describe('isExpired', () => {
  const item = (expiration: Record<string, unknown> | undefined) => ({
    id: { S: 'k' },
    ...(expiration === undefined ? {} : { expiration }),
  });

  it('expires an item whose TTL is a Number of epoch seconds before now', () => {
    expect(isExpired(item({ N: String(NOW_S - 1) }), 'expiration', NOW_S)).toBe(true);
    expect(isExpired(item({ N: `${NOW_S - 1}.5` }), 'expiration', NOW_S)).toBe(true);
  });

  it('keeps an item whose TTL is now or later', () => {
    expect(isExpired(item({ N: String(NOW_S) }), 'expiration', NOW_S)).toBe(false);
    expect(isExpired(item({ N: String(NOW_S + 3600) }), 'expiration', NOW_S)).toBe(false);
  });

  it('keeps an item with a TTL in milliseconds: read as seconds it lies far in the future', () => {
    expect(isExpired(item({ N: String(NOW_MS - 1_000) }), 'expiration', NOW_S)).toBe(false);
  });

  it('ignores a TTL attribute that is not a top-level Number, and an item without one', () => {
    for (const value of [
      { S: String(NOW_S - 60) },
      { NS: [String(NOW_S - 60)] },
      { M: { at: { N: String(NOW_S - 60) } } },
      { BOOL: true },
    ]) {
      expect(isExpired(item(value), 'expiration', NOW_S)).toBe(false);
    }
    expect(isExpired(item(undefined), 'expiration', NOW_S)).toBe(false);
    expect(isExpired(item({ N: String(NOW_S - 60) }), 'otherAttribute', NOW_S)).toBe(false);
  });

  it('ignores a TTL more than five years in the past, as AWS does', () => {
    const limit = oldestExpirableSeconds(NOW_S);
    expect(limit).toBe(Date.UTC(2021, 10, 30, 15, 0, 0) / 1000);
    expect(isExpired(item({ N: String(limit) }), 'expiration', NOW_S)).toBe(true);
    expect(isExpired(item({ N: String(limit - 1) }), 'expiration', NOW_S)).toBe(false);
    expect(isExpired(item({ N: '0' }), 'expiration', NOW_S)).toBe(false);
  });
});
