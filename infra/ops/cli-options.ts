/** A command-line mistake: the CLIs print it above their usage and exit 2. */
export class UsageError extends Error {}

/** `--flag N` as a whole number within `min`..`max`; undefined when the flag is absent. */
export const wholeNumberOption = (flag: string, raw: string | undefined, bounds: { min?: number; max?: number } = {}): number | undefined => {
  if (raw === undefined) return undefined;
  const { min = 1, max } = bounds;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || (max !== undefined && value > max)) {
    throw new UsageError(`--${flag} must be a whole number ${max === undefined ? `of at least ${min}` : `from ${min} to ${max}`} (got "${raw}").`);
  }
  return value;
};
