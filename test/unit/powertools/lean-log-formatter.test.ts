import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { LeanLogFormatter } from '../../../shared-layer/src/powertools/lean-log-formatter';

const context = (awsRequestId: string): Context =>
  ({
    functionName: 'OrdersPipeline-dev-ApiFunctionCE271BD4',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:OrdersPipeline-dev-ApiFunctionCE271BD4',
    memoryLimitInMB: '256',
    awsRequestId,
    logGroupName: '/aws/lambda/api',
    logStreamName: 'stream',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 1000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  }) as Context;

/** Every line the logger writes during `act` (info to stdout, errors to stderr), parsed. */
const linesWritten = (act: (logger: Logger) => void): Record<string, unknown>[] => {
  const written: string[] = [];
  const capture = (chunk: unknown) => {
    written.push(String(chunk));
    return true;
  };
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  const initializationType = process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
  // Powertools reports cold starts only in an on-demand environment, as Lambda says it is.
  process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
  try {
    // Powertools binds its console to the streams when it is built: build it inside the spies (the level overrides
    // the tests' SILENT).
    act(new Logger({ serviceName: 'orders-api', logLevel: 'INFO', logFormatter: new LeanLogFormatter() }));
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    if (initializationType === undefined) delete process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
    else process.env.AWS_LAMBDA_INITIALIZATION_TYPE = initializationType;
  }
  return written
    .join('')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
};

describe('LeanLogFormatter', () => {
  it("writes only the keys our readers use, the request's own keys after them", () => {
    const previousTraceId = process.env._X_AMZN_TRACE_ID;
    process.env._X_AMZN_TRACE_ID = 'Root=1-6b1623a9-e6f2cdf4f440cf040dc3ca0e;Parent=1;Sampled=1';
    try {
      const [, line] = linesWritten((logger) => {
        logger.addContext(context('req-0'));
        logger.info('the cold one');
        logger.addContext(context('req-1'));
        logger.appendKeys({ correlationId: 'c-1' });
        logger.info('order accepted', { orderId: 'ord-1' });
      });
      expect(Object.keys(line)).toEqual(['level', 'message', 'timestamp', 'service', 'function_request_id', 'correlationId', 'orderId']);
      expect(line).toMatchObject({ level: 'INFO', message: 'order accepted', service: 'orders-api', function_request_id: 'req-1' });
      expect(Number.isNaN(Date.parse(String(line.timestamp)))).toBe(false);
    } finally {
      if (previousTraceId === undefined) delete process.env._X_AMZN_TRACE_ID;
      else process.env._X_AMZN_TRACE_ID = previousTraceId;
    }
  });

  it('marks a cold invocation with cold_start true and leaves the key out of warm ones', () => {
    const [cold, warm] = linesWritten((logger) => {
      logger.addContext(context('req-1'));
      logger.info('first');
      logger.addContext(context('req-2'));
      logger.info('second');
    });
    expect(cold.cold_start).toBe(true);
    expect('cold_start' in warm).toBe(false);
  });

  it('keeps an error as Powertools formats it (name, message, location, stack)', () => {
    const [line] = linesWritten((logger) => logger.error('order not enqueued', { error: new RangeError('queue gone') }));
    expect(line.error).toMatchObject({ name: 'RangeError', message: 'queue gone' });
    expect(typeof (line.error as { stack?: unknown }).stack).toBe('string');
  });
});
