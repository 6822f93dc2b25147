import { EXIT_CODES } from './program';

const EXIT_CODE_OF = { SIGINT: EXIT_CODES.interrupted, SIGTERM: EXIT_CODES.terminated } as const;

export type StopSignal = keyof typeof EXIT_CODE_OF;

export interface StopSignals {
  /** Aborts at the first SIGINT or SIGTERM: the command finishes the work in hand, then stops. */
  readonly signal: AbortSignal;
  /** The signal that stopped the command, if one did. */
  readonly received: () => StopSignal | undefined;
  /** 130 after SIGINT, 143 after SIGTERM (128 + the signal number, as a shell reports them). */
  readonly exitCode: () => number | undefined;
  readonly dispose: () => void;
}

/**
 * SIGINT or SIGTERM once: stop cleanly (the caller watches `signal`). A second one: exit at once with
 * its code (work in hand is abandoned; a command built on this must lose nothing when that happens).
 */
export const onStopSignals = (
  warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  exit: (code: number) => void = (code) => process.exit(code),
): StopSignals => {
  const controller = new AbortController();
  let received: StopSignal | undefined;
  const handlers = (Object.keys(EXIT_CODE_OF) as StopSignal[]).map((name) => {
    const handler = () => {
      if (received) {
        exit(EXIT_CODE_OF[name]);
        return;
      }
      received = name;
      warn(`\n${name}: stopping once the work in hand is done (send it again to quit at once) ...`);
      controller.abort();
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return {
    signal: controller.signal,
    received: () => received,
    exitCode: () => (received ? EXIT_CODE_OF[received] : undefined),
    dispose: () => {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
};
