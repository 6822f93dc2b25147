import { randomBytes } from 'node:crypto';

/** An X-Ray trace id: version 1, the start time in epoch seconds (8 hex digits), 96 random bits. */
export const newTraceRoot = (now = Date.now()): string =>
  `1-${Math.floor(now / 1000)
    .toString(16)
    .padStart(8, '0')}-${randomBytes(12).toString('hex')}`;

/** The Root of an `X-Amzn-Trace-Id` / `AWSTraceHeader` value, if it has a well-formed one. */
export const traceRootOf = (header: string | undefined): string | undefined =>
  /(?:^|;)\s*Root=(1-[0-9a-f]{8}-[0-9a-f]{24})/i.exec(header ?? '')?.[1];

/**
 * The `_X_AMZN_TRACE_ID` Lambda gives an invocation: the caller's trace when it sent one (API Gateway does),
 * else a new one; a new segment as Parent; sampled when the function's tracing mode is Active.
 */
export const lambdaTraceHeader = (incoming: string | undefined, sampled: boolean): string =>
  `Root=${traceRootOf(incoming) ?? newTraceRoot()};Parent=${randomBytes(8).toString('hex')};Sampled=${sampled ? 1 : 0}`;
