// The Node.js runtime's console: Lambda's runtime replaces console.* so that every line carries the
// request it belongs to. In Text format a line is "<timestamp>\t<requestId>\t<LEVEL>\t<message>";
// in JSON format it is one object per line and levels below AWS_LAMBDA_LOG_LEVEL are dropped.
// Powertools' Logger writes through its own Console on process.stdout, as on Lambda, so it is untouched.
const util = require('node:util');

const LEVELS = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4, FATAL: 5 };
const METHODS = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', log: 'INFO', warn: 'WARN', error: 'ERROR' };

const jsonLine = (level, requestId, args) => {
  const record = { timestamp: new Date().toISOString(), level, requestId };
  const [first] = args;
  if (args.length === 1 && first instanceof Error) {
    record.message = first.message;
    record.errorType = first.name;
    record.errorMessage = first.message;
    record.stackTrace = String(first.stack ?? '').split('\n');
  } else {
    record.message = util.format(...args);
  }
  try {
    return JSON.stringify(record);
  } catch {
    return JSON.stringify({ ...record, message: util.inspect(record.message) });
  }
};

/** Patches console for this environment (stdout and stderr both reach the function's log, as on Lambda); `currentRequestId()` names the invocation in progress. */
const patchConsole = (env, currentRequestId) => {
  const format = env.AWS_LAMBDA_LOG_FORMAT === 'JSON' ? 'JSON' : 'Text';
  const minimum = LEVELS[String(env.AWS_LAMBDA_LOG_LEVEL ?? '').toUpperCase()] ?? LEVELS.INFO;
  for (const [method, level] of Object.entries(METHODS)) {
    console[method] = (...args) => {
      if (format === 'JSON') {
        if (LEVELS[level] < minimum) return;
        process.stdout.write(`${jsonLine(level, currentRequestId(), args)}\n`);
        return;
      }
      const message = util.format(...args).replace(/\n/g, '\r');
      process.stdout.write(`${new Date().toISOString()}\t${currentRequestId() ?? 'undefined'}\t${level}\t${message}\n`);
    };
  }
};

module.exports = { patchConsole };
