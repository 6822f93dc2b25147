import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export interface EphemeralDir {
  readonly path: string;
  /** Removes the directory now; idempotent. */
  remove(): void;
}

const REAPER = path.join(__dirname, 'ephemeral-dir-reaper.js');

/**
 * A new directory in the system temp folder that does not outlive this process: removed by
 * `remove()`, by an exit handler on a normal or crashing exit, and by a detached reaper process
 * when this process is killed outright.
 */
export const createEphemeralDir = (prefix: string): EphemeralDir => {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const reaper = fork(REAPER, [dir], { execArgv: [], detached: true, stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  reaper.on('error', () => undefined);
  // Neither the reaper nor its channel may keep this process alive.
  reaper.unref();
  reaper.channel?.unref();
  let removed = false;
  const removeOnExit = () => rmSync(dir, { recursive: true, force: true });
  const remove = () => {
    if (removed) return;
    removed = true;
    process.off('exit', removeOnExit);
    rmSync(dir, { recursive: true, force: true });
    // Removed with everything stopped: the reaper has nothing left to wait for.
    if (reaper.connected) reaper.send('done', () => undefined);
  };
  // On exit, emulators may still be closing: the reaper sweeps again once this process is gone.
  process.on('exit', removeOnExit);
  return { path: dir, remove };
};
