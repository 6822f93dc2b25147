// One local execution environment: a plain Node process, no TypeScript compiler in its path.
// INIT loads the handler once and reports how long it took; then the environment serves one
// invocation at a time over IPC, like a Lambda runtime pulling from /runtime/invocation/next.
// NODE_PATH holds the layers' nodejs/node_modules (Lambda's /opt/nodejs/node_modules) and the AWS SDK.
const Module = require('node:module');
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

// On Lambda a function finds only /var/task (its bundle), /opt/nodejs/node_modules (its layers) and the runtime's AWS
// SDK: nothing above them. Locally the bundle and the layers sit inside the project, whose node_modules Node's lookup
// would reach by walking up. Code inside the bundle or a layer looks for packages inside that folder only, then on
// NODE_PATH (the layers and the runtime's SDK). Packages of the runtime's SDK resolve their own dependencies as usual.
const isolatedRoots = [LOCAL_HANDLER_DIR, ...(process.env.NODE_PATH || '').split(path.delimiter)].filter(Boolean);
const within = (root, dir) => dir === root || dir.startsWith(root + path.sep);
const nodeModulePaths = Module._nodeModulePaths;
Module._nodeModulePaths = (from) => {
  const root = isolatedRoots.find((candidate) => within(candidate, from));
  const paths = nodeModulePaths(from);
  return root === undefined ? paths : paths.filter((candidate) => within(root, candidate));
};

// The errors Lambda's Node.js runtime reports for a handler it cannot load, by its errorType (aws-lambda-nodejs-runtime-
// interface-client, src/UserFunction.js and src/Errors.js): a missing module is Runtime.ImportModuleError with the
// require error's text as message, a syntax error Runtime.UserCodeSyntaxError, a missing export Runtime.HandlerNotFound.
const RAISED_BY_RUNTIME = Symbol('raised by the runtime');
const runtimeError = (errorType, message) => Object.assign(new Error(message), { name: errorType, [RAISED_BY_RUNTIME]: true });
const loadHandler = () => {
  const [moduleName, exportName] = LOCAL_HANDLER.split('.');
  let userModule;
  try {
    userModule = require(path.join(LOCAL_HANDLER_DIR, moduleName));
  } catch (error) {
    if (error instanceof SyntaxError) throw runtimeError('Runtime.UserCodeSyntaxError', String(error));
    if (error?.code === 'MODULE_NOT_FOUND') throw runtimeError('Runtime.ImportModuleError', String(error));
    throw error;
  }
  const found = userModule?.[exportName];
  if (found === undefined || found === null) throw runtimeError('Runtime.HandlerNotFound', `${LOCAL_HANDLER} is undefined or not exported`);
  if (typeof found !== 'function') throw runtimeError('Runtime.HandlerNotFound', `${LOCAL_HANDLER} is not a function`);
  return found;
};
// CPU time (user + system) of this process, in ms. INIT's is everything since the process started, as its duration is;
// an invocation's is the delta across it. A memory sweep scales CPU time by Lambda's CPU share at a memory setting and
// leaves the rest (waiting on SQS, DynamoDB) as it is (docs/load-and-cost.md, "Memory per function").
const cpuMsSince = (start) => {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
};
let handler;
try {
  handler = loadHandler();
  send({ type: 'ready', initDurationMs: performance.now(), initCpuMs: cpuMsSince() });
} catch (error) {
  const payload = errorPayload(error);
  send({
    type: 'init-error',
    initDurationMs: performance.now(),
    initCpuMs: cpuMsSince(),
    // The runtime's own load errors keep their Runtime.* type; an error the module threw is named as an INIT failure.
    error: error?.[RAISED_BY_RUNTIME] ? payload : { ...payload, errorType: `Runtime.InitError: ${error?.name}` },
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
  const cpuAtStart = process.cpuUsage();
  let outcome;
  try {
    const result = await runHandler(event, context);
    outcome = { ok: true, result: result === undefined ? null : result };
  } catch (error) {
    outcome = { ok: false, error: errorPayload(error) };
  }
  const durationMs = performance.now() - started;
  const cpuMs = cpuMsSince(cpuAtStart);
  const metrics = invocationMetrics;
  invocationMetrics = undefined;
  send({ type: 'result', id, durationMs, cpuMs, metrics, ...outcome });
});
