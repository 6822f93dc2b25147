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

// As the Node.js runtime reports them: an Error by its name and message, anything else thrown or
// passed to a callback by its type and text ("string", "undefined"...).
const errorPayload = (error) =>
  error instanceof Error
    ? { errorType: error.name || 'Error', errorMessage: error.message, stack: String(error.stack ?? '').split('\n') }
    : { errorType: typeof error, errorMessage: String(error), stack: [] };

// CloudWatch turns embedded-metric-format log lines into metrics; the runtime reads the same lines
// of each invocation so that batch summaries can say what the function reports it did.
let invocationMetrics;
const collectMetrics = (text) => {
  for (const line of text.split('\n')) {
    if (!line.includes('"_aws":{')) continue;
    try {
      // A console.log line carries the runtime's "<timestamp>\t<requestId>\tINFO\t" prefix in Text format;
      // CloudWatch still reads the record after it.
      const record = JSON.parse(line.slice(line.indexOf('{')));
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

let currentRequestId;
require('./runtime-console').patchConsole(process.env, () => currentRequestId);

const { LOCAL_HANDLER_DIR, LOCAL_HANDLER } = process.env;
// Lambda's runtime reads these at start; the handler sees neither.
delete process.env.LOCAL_HANDLER_DIR;
delete process.env.LOCAL_HANDLER;
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

/**
 * Runs the handler as the Node.js runtime does: an async handler settles by its promise; a callback
 * handler (and context.succeed/fail/done, which call the same callback) settles by the first call.
 */
const runHandler = (event, context) =>
  new Promise((resolve, reject) => {
    let settled = false;
    const callback = (error, result) => {
      if (settled) return;
      settled = true;
      if (error === undefined || error === null) resolve(result);
      else reject(error);
    };
    context.done = callback;
    context.succeed = (result) => callback(null, result);
    context.fail = (error) => callback(error ?? 'handled');
    try {
      const returned = handler(event, context, callback);
      if (returned && typeof returned.then === 'function')
        returned.then(
          (result) => callback(null, result),
          (error) => callback(error ?? 'undefined'),
        );
    } catch (error) {
      callback(error ?? 'undefined');
    }
  });

process.on('message', async (message) => {
  if (message.type !== 'invoke') return;
  const { id, event, context: contextFields, timeoutMs, traceId } = message;
  const deadline = Date.now() + timeoutMs;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    ...contextFields,
    // Present, and undefined unless the caller sent them (the Lambda Invoke API's ClientContext, Cognito identity).
    clientContext: contextFields.clientContext,
    identity: contextFields.identity,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
  // Lambda sets the trace header of each invocation in the environment (X-Ray's SDK and Powertools read it there).
  if (traceId) process.env._X_AMZN_TRACE_ID = traceId;
  else delete process.env._X_AMZN_TRACE_ID;
  currentRequestId = id;
  invocationMetrics = {};
  const started = performance.now();
  let outcome;
  try {
    const result = await runHandler(event, context);
    outcome = { ok: true, result: result === undefined ? null : result };
  } catch (error) {
    outcome = { ok: false, error: errorPayload(error) };
  }
  const durationMs = performance.now() - started;
  const metrics = invocationMetrics;
  invocationMetrics = undefined;
  send({ type: 'result', id, durationMs, metrics, ...outcome });
});
