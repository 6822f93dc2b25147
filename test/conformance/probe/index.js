// The conformance probe: reports what the runtime handed it (event, context, environment) so that the suite can
// compare it with AWS's documented shapes. Plain JS on purpose: nothing between the runtime and the handler.

const coldStartedAt = Date.now();
let invocations = 0;

/** Every context key, with functions and undefined named (JSON drops both). */
const describeContext = (context) =>
  Object.fromEntries(
    Object.keys(context).map((key) => {
      const value = context[key];
      if (typeof value === 'function') return [key, '[function]'];
      if (value === undefined) return [key, '[undefined]'];
      return [key, value];
    }),
  );

const capture = (event, context) => ({
  event,
  context: describeContext(context),
  remainingTimeInMillis: context.getRemainingTimeInMillis(),
  env: { ...process.env },
  invocationsOfThisEnvironment: invocations,
  environmentAgeMs: Date.now() - coldStartedAt,
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const httpAnswer = (body) => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/**
 * HTTP: GET|POST /probe/<mode> answers the capture; the mode picks how the handler settles
 * (returned promise, callback, context.succeed/fail/done) or how long it sleeps first (?ms=).
 * SQS: records with a failUntil attribute (epoch ms) still ahead are reported as batch item failures (so they reach
 * the DLQ, and succeed once redriven after that time); the capture
 * goes to stdout on one line for the suite to read from the function's log.
 */
exports.handler = (event, context, callback) => {
  invocations += 1;
  if (Array.isArray(event.Records)) {
    process.stdout.write(`PROBE_CAPTURE ${JSON.stringify(capture(event, context))}\n`);
    const failing = (record) => Date.now() < Number(record.messageAttributes.failUntil?.stringValue ?? 0);
    const failures = event.Records.filter(failing).map((record) => ({ itemIdentifier: record.messageId }));
    return Promise.resolve({ batchItemFailures: failures });
  }
  const mode = event.pathParameters?.mode || 'promise';
  const answer = httpAnswer(capture(event, context));
  switch (mode) {
    case 'callback':
      setTimeout(() => callback(null, answer), 5);
      return undefined;
    case 'succeed':
      setTimeout(() => context.succeed(answer), 5);
      return undefined;
    case 'done':
      setTimeout(() => context.done(null, answer), 5);
      return undefined;
    case 'fail':
      setTimeout(() => context.fail(new Error('failed through context.fail')), 5);
      return undefined;
    case 'sleep':
      return sleep(Number(event.queryStringParameters?.ms) || 0).then(() => answer);
    case 'log':
      console.log('probe console line', { orderId: 'o-1' });
      console.debug('probe debug line');
      return Promise.resolve(answer);
    default:
      return Promise.resolve(answer);
  }
};
