import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';

/** What every CLI exits with. 130 and 143 are 128 + the signal number, as a shell reports them. */
export const EXIT_CODES = { ok: 0, failed: 1, usage: 2, interrupted: 130, terminated: 143 } as const;

/** A command-line mistake: the CLI prints it with a pointer to --help and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** The (sub)command whose --help the message points to; the program when absent. */
    readonly command?: Command,
  ) {
    super(message);
  }
}

/** What a parse returns when it was asked for help (or the version) instead of options. */
export class HelpShown {
  constructor(readonly text: string) {}
}

/**
 * A program whose name is how it is run (`npm run load --`), so the generated usage line is one to
 * paste. Options and subcommands are added by each CLI; parse it with `parseWith`.
 */
export const cliProgram = (runAs: string, description: string): Command =>
  new Command(runAs).description(description).helpOption('-h, --help', 'show this help').allowExcessArguments(false);

const hintFor = (command: Command): string => {
  const names: string[] = [];
  for (let at: Command | null = command; at; at = at.parent) names.unshift(at.name());
  return `(Run "${names.join(' ')} --help" for the options.)`;
};

const configure = (command: Command, output: { out: string; err: string }): void => {
  command
    .exitOverride()
    .configureOutput({ writeOut: (text) => (output.out += text), writeErr: (text) => (output.err += text) })
    .showHelpAfterError(hintFor(command));
  for (const sub of command.commands) configure(sub, output);
};

/**
 * Parses `args` (without node and the script) with `program`, then `read`s the options from it.
 * Never exits the process: a mistake throws UsageError (commander's message and a pointer to
 * --help), `--help` returns HelpShown with the text.
 */
export const parseWith = <T>(program: Command, args: readonly string[], read: (program: Command) => T): T | HelpShown => {
  const output = { out: '', err: '' };
  configure(program, output);
  try {
    program.parse([...args], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.exitCode === 0) return new HelpShown(output.out);
    throw new UsageError(output.err.trimEnd() || error.message);
  }
  try {
    return read(program);
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`error: ${error.message}\n${hintFor(error.command ?? program)}`);
    throw error;
  }
};

/** The options of the command line, or the end of the process: help on stdout and 0, a mistake on stderr and 2. */
export const parseCommandLine = <T>(parse: (args: string[]) => T | HelpShown, args: string[] = process.argv.slice(2)): T => {
  let parsed: T | HelpShown;
  try {
    parsed = parse(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(EXIT_CODES.usage);
  }
  if (parsed instanceof HelpShown) {
    process.stdout.write(parsed.text);
    process.exit(EXIT_CODES.ok);
  }
  return parsed;
};

/** Runs a CLI's main; what it resolves is the exit code. A failure prints `<what> failed: <message>` and exits 1. */
// biome-ignore lint/suspicious/noConfusingVoidType: a main that returns nothing (exit 0) is an async function without a return.
export const runMain = (what: string, main: () => Promise<number | void>, explain: (error: unknown) => string = messageOf): void => {
  main().then(
    (code) => process.exit(code ?? EXIT_CODES.ok),
    (error: unknown) => {
      process.stderr.write(`${what} failed: ${explain(error)}\n`);
      process.exit(error instanceof UsageError ? EXIT_CODES.usage : EXIT_CODES.failed);
    },
  );
};

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export interface Bounds {
  readonly min?: number;
  readonly max?: number;
}

const WHOLE = /^\d+$/;
const DECIMAL = /^(\d+\.?\d*|\.\d+)$/;

/** Parses an option value as a whole number within `min` (default 1) .. `max`; commander names the option and the value it refused. */
export const wholeNumber =
  ({ min = 1, max }: Bounds = {}) =>
  (raw: string): number => {
    const value = Number(raw);
    if (!WHOLE.test(raw) || !Number.isSafeInteger(value) || value < min || (max !== undefined && value > max)) {
      throw new InvalidArgumentError(`Use a whole number ${max === undefined ? `of at least ${min}` : `from ${min} to ${max}`}.`);
    }
    return value;
  };

/** Parses an option value as a fraction from 0 to 1 (a rate: 0.05 is 5 %). */
export const fraction = (raw: string): number => {
  const value = Number(raw);
  if (!DECIMAL.test(raw) || value > 1) throw new InvalidArgumentError('Use a fraction from 0 to 1, e.g. 0.05.');
  return value;
};

/** Parses a comma-separated list of whole numbers, each within the bounds. */
export const wholeNumberList =
  (bounds: Bounds = {}) =>
  (raw: string): number[] => {
    const parse = wholeNumber(bounds);
    try {
      return raw.split(',').map((item) => parse(item.trim()));
    } catch {
      throw new InvalidArgumentError(
        `List whole numbers ${bounds.max === undefined ? `of at least ${bounds.min ?? 1}` : `from ${bounds.min ?? 1} to ${bounds.max}`}, e.g. 10,50.`,
      );
    }
  };

/** The largest seed newSeed() draws; a larger one would be folded onto a smaller one by the 32-bit seeding. */
export const MAX_SEED = 2 ** 31 - 1;

/** `--seed <n>` for a run that draws random numbers; absent, the run draws a fresh seed and prints it. */
export const seedOption = (): Option =>
  new Option('--seed <n>', 'seed for every random choice, to replay a run (default: a fresh one, printed)').argParser(
    wholeNumber({ min: 0, max: MAX_SEED }),
  );

/** The line a run prints first so that it can be replayed. */
export const seedLine = (seed: number): string => `seed ${seed} (replay with --seed ${seed})`;
