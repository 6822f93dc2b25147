// One local execution environment: a plain Node process, no TypeScript compiler in its path.
// INIT loads the handler once and reports how long it took; then the environment serves one
// invocation at a time over IPC, like a Lambda runtime pulling from /runtime/invocation/next.
// NODE_PATH holds the layers' nodejs/node_modules (Lambda's /opt/nodejs/node_modules) and the AWS SDK.
const path = require('node:path');
const { performance } = require('node:perf_hooks');

// Watchdog: the IPC channel closes when the runtime exits, however it exits (kill -9 included).
process.on('disconnect', () => process.exit(0));
// The runtime decides when environments stop: a terminal's Ctrl-C must not end in-flight invocations.
process.on('SIGINT', () => undefined);

const send = (message) => {
  if (!process.connected) process.exit(0);
  process.send(message, (error) => {
    if (error) process.exit(0);
  });
};

const errorPayload = (error) => ({
  errorType: error?.name || 'Error',
  errorMessage: error?.message || String(error),
  stack: error?.stack ? String(error.stack).split('\n') : [],
});

// CloudWatch turns embedded-metric-format log lines into metrics; the runtime reads the same lines
// of each invocation so that batch summaries can say what the function reports it did.
let invocationMetrics;
const collectMetrics = (text) => {
  for (const line of text.split('\n')) {
    if (!line.startsWith('{"_aws"') && !line.includes('"_aws":{')) continue;
    try {
      const record = JSON.parse(line);
      for (const directive of record._aws.CloudWatchMetrics || []) {
        for (const { Name } of directive.Metrics || []) {
          const value = record[Name];
          const sum = Array.isArray(value) ? value.reduce((a, b) => a + b, 0) : Number(value);
          if (Number.isFinite(sum)) invocationMetrics[Name] = (invocationMetrics[Name] || 0) + sum;
        }
      }
    } catch {
      // Not an EMF record after all: it stays an ordinary log line.
    }
  }
};
const writeStdout = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
  if (invocationMetrics) collectMetrics(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
  return writeStdout(chunk, ...rest);
};

const { LOCAL_HANDLER_DIR, LOCAL_HANDLER } = process.env;
const [moduleName, exportName] = LOCAL_HANDLER.split('.');
let handler;
try {
  handler = require(path.join(LOCAL_HANDLER_DIR, moduleName))[exportName];
  if (typeof handler !== 'function') throw new Error(`${LOCAL_HANDLER} is not a function`);
  send({ type: 'ready', initDurationMs: performance.now() });
} catch (error) {
  send({
    type: 'init-error',
    initDurationMs: performance.now(),
    error: { ...errorPayload(error), errorType: `Runtime.InitError: ${error?.name}` },
  });
}

process.on('message', async (message) => {
  if (message.type !== 'invoke') return;
  const { id, event, context: contextFields, timeoutMs } = message;
  const deadline = Date.now() + timeoutMs;
  const context = {
    ...contextFields,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  invocationMetrics = {};
  const started = performance.now();
  let outcome;
  try {
    const result = await handler(event, context);
    outcome = { ok: true, result: result === undefined ? null : result };
  } catch (error) {
    outcome = { ok: false, error: errorPayload(error) };
  }
  const durationMs = performance.now() - started;
  const metrics = invocationMetrics;
  invocationMetrics = undefined;
  send({ type: 'result', id, durationMs, metrics, ...outcome });
});
