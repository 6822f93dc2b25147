/**
 * Faults the local runtime injects on the wire between the functions and DynamoDB (see
 * docs/local-runtime.md, "Fault injection"). Nothing here ships: the functions and the layer never
 * know whether faults are on; they see what DynamoDB itself could answer.
 */

/** Environment variable `npm start` reads to switch fault injection on, with a JSON FaultConfig. */
export const FAULT_INJECTION_ENV = 'ORDERS_FAULT_INJECTION';

export interface FaultConfig {
  /** Fraction of BatchWriteItem and BatchGetItem calls answered with ProvisionedThroughputExceededException. */
  readonly throttleRate: number;
  /** Fraction of BatchWriteItem calls that write only the first half of their items and return the rest as UnprocessedItems. */
  readonly unprocessedRate: number;
  /** Fraction of BatchWriteItem calls after which the calling execution environment dies: a crash in the middle of a batch. */
  readonly crashRate: number;
  /** Added to every BatchWriteItem and BatchGetItem call. */
  readonly latencyMs: number;
  /** Orders that BatchWriteItem always returns as UnprocessedItems (a hot partition): they fail every time. */
  readonly unprocessedOrderIds: readonly string[];
  /**
   * A throttle storm: from the first BatchWriteItem or BatchGetItem call, every such call is throttled for this many
   * seconds (0: none). What a table far over its capacity does for minutes on end.
   */
  readonly throttleStormSeconds: number;
}

export const NO_FAULTS: FaultConfig = {
  throttleRate: 0,
  unprocessedRate: 0,
  crashRate: 0,
  latencyMs: 0,
  unprocessedOrderIds: [],
  throttleStormSeconds: 0,
};

export class InvalidFaultConfigError extends Error {
  override readonly name = 'InvalidFaultConfigError';
}

const RATES = ['throttleRate', 'unprocessedRate', 'crashRate'] as const;
const KNOWN_KEYS = new Set<string>([...RATES, 'latencyMs', 'unprocessedOrderIds', 'throttleStormSeconds']);

/** Checks a partial configuration and fills the rest with no faults; says what to fix when it is wrong. */
export const faultConfig = (partial: Readonly<Record<string, unknown>>, source = 'the fault configuration'): FaultConfig => {
  const unknown = Object.keys(partial).filter((key) => !KNOWN_KEYS.has(key));
  if (unknown.length > 0) {
    throw new InvalidFaultConfigError(`${source} has unknown keys ${unknown.join(', ')}; known: ${[...KNOWN_KEYS].join(', ')}`);
  }
  const config = { ...NO_FAULTS, ...partial } as FaultConfig;
  for (const rate of RATES) {
    if (typeof config[rate] !== 'number' || !(config[rate] >= 0 && config[rate] <= 1)) {
      throw new InvalidFaultConfigError(`${source}: ${rate} must be a number from 0 to 1`);
    }
  }
  if (typeof config.latencyMs !== 'number' || !(config.latencyMs >= 0)) {
    throw new InvalidFaultConfigError(`${source}: latencyMs must be a non-negative number`);
  }
  if (typeof config.throttleStormSeconds !== 'number' || !(config.throttleStormSeconds >= 0)) {
    throw new InvalidFaultConfigError(`${source}: throttleStormSeconds must be a non-negative number of seconds`);
  }
  if (!Array.isArray(config.unprocessedOrderIds) || config.unprocessedOrderIds.some((id) => typeof id !== 'string')) {
    throw new InvalidFaultConfigError(`${source}: unprocessedOrderIds must be a list of order ids`);
  }
  return config;
};

/** Reads the configuration from its environment variable's JSON, or undefined when it is unset or blank. */
export const readFaultConfig = (raw: string | undefined = process.env[FAULT_INJECTION_ENV]): FaultConfig | undefined => {
  if (raw === undefined || raw.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InvalidFaultConfigError(`${FAULT_INJECTION_ENV} must be JSON such as {"throttleRate":0.05}; got ${raw}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidFaultConfigError(`${FAULT_INJECTION_ENV} must be a JSON object such as {"throttleRate":0.05}; got ${raw}`);
  }
  return faultConfig(parsed as Record<string, unknown>, FAULT_INJECTION_ENV);
};
