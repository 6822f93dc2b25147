// DynamoDB's Time to Live rules, as the API reference and the developer guide document them, for the
// dynalite process (dynalite has no TTL). Pure functions: the process's glue (dynalite-extensions.js)
// stores the settings and deletes the items.

/**
 * "It can take up to one hour for the change to fully process. Any additional UpdateTimeToLive calls for
 * the same table during this one hour duration result in a ValidationException." (API reference)
 */
const TTL_CHANGE_INTERVAL_MS = 60 * 60 * 1000;

/** AWS ignores TTL values more than five years in the past (developer guide, "Formatting an item's TTL attribute"). */
const IGNORED_AFTER_YEARS = 5;

/**
 * What DescribeTimeToLive answers for a table's stored setting (undefined: never configured). AWS shows the
 * settled status at once (no ENABLING or DISABLING is observed) and names no attribute once disabled.
 */
const timeToLiveDescription = (setting) =>
  setting?.enabled ? { TimeToLiveStatus: 'ENABLED', AttributeName: setting.attributeName } : { TimeToLiveStatus: 'DISABLED' };

/**
 * Applies an UpdateTimeToLive request to a table's setting: `{ setting }` to store, or `{ error }`, the
 * ValidationException's message. The checks on content come before the one on the interval, as on AWS; a
 * refused request does not restart the interval.
 */
const updateTimeToLive = (current, { Enabled: enabled, AttributeName: attributeName }, nowMs) => {
  if (enabled && current?.enabled) {
    return {
      error:
        current.attributeName === attributeName
          ? 'TimeToLive is already enabled'
          : `TimeToLive is active on a different AttributeName: current AttributeName is ${current.attributeName}`,
    };
  }
  if (!enabled && !current?.enabled) return { error: 'TimeToLive is already disabled' };
  if (!enabled && current.attributeName !== attributeName) {
    return { error: `TimeToLive is active on a different AttributeName: current AttributeName is ${current.attributeName}` };
  }
  if (current?.modifiedAtMs !== undefined && nowMs - current.modifiedAtMs < TTL_CHANGE_INTERVAL_MS) {
    return { error: 'Time to live has been modified multiple times within a fixed interval' };
  }
  return { setting: { enabled, attributeName, modifiedAtMs: nowMs } };
};

/** The oldest TTL value (epoch seconds) AWS still expires at `nowSeconds`: five calendar years back. */
const oldestExpirableSeconds = (nowSeconds) => {
  const limit = new Date(nowSeconds * 1000);
  limit.setUTCFullYear(limit.getUTCFullYear() - IGNORED_AFTER_YEARS);
  return limit.getTime() / 1000;
};

/**
 * Whether DynamoDB's TTL process deletes `item` (in the wire format, `{ attr: { N: '...' } }`) at `nowSeconds`:
 * its TTL attribute is a top-level Number of epoch seconds before now and no more than five years in the past.
 * Any other type (a String, a Map holding a number, a number set) or a missing attribute is ignored.
 */
const isExpired = (item, attributeName, nowSeconds) => {
  const value = item?.[attributeName];
  if (!value || typeof value.N !== 'string') return false;
  const expiresAt = Number(value.N);
  return Number.isFinite(expiresAt) && expiresAt < nowSeconds && expiresAt >= oldestExpirableSeconds(nowSeconds);
};

module.exports = { TTL_CHANGE_INTERVAL_MS, isExpired, oldestExpirableSeconds, timeToLiveDescription, updateTimeToLive };
