/** How a shell reports a process ended by the signal: 128 + its number. */
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

type StopSignal = keyof typeof EXIT_CODES;

/** A run stopped by its signal, carrying what it had measured by then. */
export class RunInterrupted<T> extends Error {
  override readonly name = 'RunInterrupted';

  constructor(readonly partial: T) {
    super('the run was interrupted');
  }
}

export interface Interrupt {
  /** Aborted by the first SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
  /** 130 after SIGINT, 143 after SIGTERM; undefined while neither came. */
  exitCode(): number | undefined;
  dispose(): void;
}

/**
 * SIGINT and SIGTERM for a CLI run: the first one aborts `signal`, so the run stops sending, reports
 * what it measured and stops its pipeline (which removes its data dir); a second one exits at once.
 */
export const onInterrupt = (warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Interrupt => {
  const controller = new AbortController();
  let received: StopSignal | undefined;
  const handle = (signal: StopSignal) => {
    if (received) process.exit(EXIT_CODES[signal]);
    received = signal;
    warn(`\n${signal}: stopping the run; partial results follow once its pipeline has stopped (${signal} again quits at once).`);
    controller.abort();
  };
  const handlers = (Object.keys(EXIT_CODES) as StopSignal[]).map((signal) => [signal, () => handle(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  return {
    signal: controller.signal,
    exitCode: () => (received ? EXIT_CODES[received] : undefined),
    dispose: () => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
    },
  };
};

/** Throws RunInterrupted with what `partial` says was measured, if `signal` has been aborted. */
export const throwIfInterrupted = <T>(signal: AbortSignal | undefined, partial: () => T): void => {
  if (signal?.aborted) throw new RunInterrupted(partial());
};

/** Ends a CLI whose run was interrupted: the partial summary on stdout, then exit 130 (SIGINT) or 143 (SIGTERM). */
export const exitInterrupted = (interrupt: Interrupt, summary: string): never => {
  process.stdout.write(summary);
  process.exit(interrupt.exitCode() ?? EXIT_CODES.SIGINT);
};
