// Removes an ephemeral data directory once the process that made it is gone, however it went
// (kill -9 included: its IPC channel closes). Emulators still closing may hold files in it for a
// few seconds, so removal is repeated until they must have exited.
// Usage (forked with an IPC channel): node ephemeral-dir-reaper.js <dir>
const { existsSync, rmSync } = require('node:fs');

const [dir] = process.argv.slice(2);
const EMULATOR_EXIT_GRACE_MS = 6_000;

process.on('SIGINT', () => undefined);
process.on('message', (message) => {
  // The owner removed the directory itself and needs nothing more.
  if (message === 'done') process.exit(0);
});
process.on('disconnect', () => {
  const started = Date.now();
  let foundNothing = 0;
  const sweep = () => {
    if (existsSync(dir)) {
      foundNothing = 0;
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // A file still held open: the next sweep gets it.
      }
    } else {
      foundNothing += 1;
    }
    if (foundNothing < 2 && Date.now() - started < EMULATOR_EXIT_GRACE_MS) setTimeout(sweep, 500);
    else process.exit(0);
  };
  sweep();
});
