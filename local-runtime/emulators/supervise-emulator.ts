import type { EventEmitter } from 'node:events';

/** An emulator that dies is restarted on its port and data this many times a minute, then the runtime gives up. */
const MAX_RESTARTS_PER_MINUTE = 3;

/** What supervision needs of an emulator process. */
export interface SupervisedEmulator extends Pick<EventEmitter<{ crash: [string] }>, 'on'> {
  readonly name: string;
  readonly port: number;
  readonly dataDir?: string;
  restart(): Promise<void>;
}

/**
 * Restarts an emulator that died on its port and data (functions and pollers retry meanwhile), at
 * most MAX_RESTARTS_PER_MINUTE times a minute; past that, or if it will not start, reports `fatal`.
 */
export const superviseEmulator = (emulator: SupervisedEmulator, log: (line: string) => void, fatal: (error: Error) => void) => {
  const restarts: number[] = [];
  emulator.on('crash', (reason) => {
    const now = Date.now();
    while (restarts.length > 0 && now - restarts[0] > 60_000) restarts.shift();
    if (restarts.length >= MAX_RESTARTS_PER_MINUTE) {
      log(`${emulator.name} exited (${reason}) ${restarts.length + 1} times within a minute: giving up`);
      fatal(new Error(`${emulator.name} keeps exiting (${reason}); see its log in the logs folder`));
      return;
    }
    restarts.push(now);
    log(
      `${emulator.name} exited unexpectedly (${reason}): restarting it on port ${emulator.port}, data kept${emulator.dataDir ? ` (${emulator.dataDir})` : ''}`,
    );
    emulator.restart().then(
      () => log(`${emulator.name} is back on port ${emulator.port}`),
      (error: Error) => fatal(new Error(`${emulator.name} exited (${reason}) and could not be restarted: ${error.message}`)),
    );
  });
};
