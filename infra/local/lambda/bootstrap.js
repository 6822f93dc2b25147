// Inside one local execution environment (a child process): loads the handler once (INIT), then
// serves invocations sent by the parent over IPC, like Lambda's runtime API loop.
// NODE_PATH holds the layers' nodejs/node_modules (Lambda's /opt/nodejs/node_modules) and the AWS SDK.
const path = require('node:path');

const { LOCAL_HANDLER_DIR, LOCAL_HANDLER } = process.env;
const [moduleName, exportName] = LOCAL_HANDLER.split('.');

let handler;
let initError;
try {
  handler = require(path.join(LOCAL_HANDLER_DIR, moduleName))[exportName];
  if (typeof handler !== 'function') throw new Error(`${LOCAL_HANDLER} is not a function`);
} catch (error) {
  initError = error;
}

const errorPayload = (error) => ({
  errorType: (error && error.name) || 'Error',
  errorMessage: (error && error.message) || String(error),
  stack: error && error.stack ? String(error.stack).split('\n') : [],
});

process.on('message', async ({ id, event, context: contextFields, deadline }) => {
  if (initError) {
    process.send({ id, error: { ...errorPayload(initError), errorType: `Runtime.InitError: ${initError.name}` } });
    return;
  }
  const context = {
    ...contextFields,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  try {
    const result = await handler(event, context);
    process.send({ id, result: result === undefined ? null : result });
  } catch (error) {
    process.send({ id, error: errorPayload(error) });
  }
});
process.send({ ready: true });
