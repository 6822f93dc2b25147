import type { ChildProcess } from 'node:child_process';

/** Every child process of the runtime that is still alive. */
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

/**
 * Kills `child` on any exit of this process, crashes included (children also watch their IPC
 * channel, which covers kill -9 of this process, where no handler runs).
 */
export const endWithRuntime = (child: ChildProcess): void => {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
};
