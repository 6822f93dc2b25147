/** Types of dynamodb-ttl.js (plain JS: the dynalite process runs it without a TypeScript loader). */

/** A table's TTL setting as the dynalite process stores it. */
export interface TtlSetting {
  readonly enabled: boolean;
  readonly attributeName: string;
  /** When the setting last changed (ms since the epoch): starts AWS's one-hour interval between changes. */
  readonly modifiedAtMs?: number;
}

export interface TimeToLiveSpecification {
  readonly Enabled: boolean;
  readonly AttributeName: string;
}

export declare const TTL_CHANGE_INTERVAL_MS: number;

export declare const timeToLiveDescription: (
  setting: TtlSetting | undefined,
) => { TimeToLiveStatus: 'ENABLED'; AttributeName: string } | { TimeToLiveStatus: 'DISABLED' };

export declare const updateTimeToLive: (
  current: TtlSetting | undefined,
  specification: TimeToLiveSpecification,
  nowMs: number,
) => { setting: TtlSetting; error?: undefined } | { setting?: undefined; error: string };

export declare const oldestExpirableSeconds: (nowSeconds: number) => number;

export declare const isExpired: (
  item: Record<string, Record<string, unknown>> | undefined,
  attributeName: string,
  nowSeconds: number,
) => boolean;
