/** A command-line mistake: the CLIs print it above their usage and exit 2. */
export class UsageError extends Error {}

/** `--help` / `-h`, which every CLI takes (add it to the parseArgs options). */
export const HELP_OPTION = { type: 'boolean', short: 'h', default: false } as const;

/** What a CLI's parser returns when asked for help instead of options. */
export const HELP = 'help' as const;

/**
 * The options `parse` reads from the command line (node:util parseArgs, strict), or the end of the
 * process: `--help`/`-h` prints the usage on stdout and exits 0; an unknown option, a stray argument
 * or a bad value prints the mistake and the usage on stderr and exits 2.
 */
export const parseCommandLine = <T>(parse: (args: string[]) => T | typeof HELP, usage: string, args: string[] = process.argv.slice(2)): T => {
  let parsed: T | typeof HELP;
  try {
    parsed = parse(args);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage}\n`);
    process.exit(2);
  }
  if (parsed === HELP) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  return parsed;
};

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
