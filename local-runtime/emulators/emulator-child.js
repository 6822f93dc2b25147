// What every emulator process does the same way: report readiness and listen errors to the runtime
// over IPC, and end with it (the channel closes however the runtime exits, kill -9 included).

/** Exit code for "the port is taken", so the runtime can name the port instead of guessing. */
const PORT_IN_USE_EXIT_CODE = 98;

const reportReady = (port) => {
  if (process.connected) process.send({ ready: port });
};

const reportListenError = (error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(error?.code === 'EADDRINUSE' ? PORT_IN_USE_EXIT_CODE : 1);
};

/** Stops cleanly on SIGTERM or when the runtime's channel closes; a stuck close is cut short. */
const exitWithParent = (close) => {
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    setTimeout(() => process.exit(0), 3_000).unref();
    Promise.resolve()
      .then(close)
      .catch((error) => process.stderr.write(`close failed: ${error?.message}\n`))
      .finally(() => process.exit(0));
  };
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  // The runtime stops emulators last, after in-flight work drained: a terminal's Ctrl-C is not for them.
  process.on('SIGINT', () => undefined);
};

module.exports = { PORT_IN_USE_EXIT_CODE, exitWithParent, reportListenError, reportReady };
