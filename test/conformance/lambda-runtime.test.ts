import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CONFORMING, conformance, loadFixture } from './fixture';
import { type ProbeCapture, probeForSuite } from './probe-runtime';
import { PROBE_TIMEOUT_SECONDS } from './probe-stack';

const probeRuntime = probeForSuite();

describe('conformance: a function sees the context and environment Lambda gives it', () => {
  const captured = async (mode: string): Promise<ProbeCapture> => {
    const answer = await probeRuntime().request(`/probe/${mode}`);
    expect(answer.status).toBe(200);
    return answer.capture as ProbeCapture;
  };

  it('the context object has every key of the Node.js runtime, in its formats', async () => {
    const { context, env, remainingTimeInMillis } = await captured('promise');

    expect(conformance(loadFixture('lambda-context'), context)).toEqual(CONFORMING);
    expect(context.logStreamName).toBe(env.AWS_LAMBDA_LOG_STREAM_NAME);
    expect(context.logGroupName).toBe(env.AWS_LAMBDA_LOG_GROUP_NAME);
    // The template's custom log group, not /aws/lambda/<name>.
    expect(context.logGroupName).toMatch(/^ConformanceProbe-ProbeLogs/);
    expect(remainingTimeInMillis).toBeGreaterThan(PROBE_TIMEOUT_SECONDS * 1000 - 500);
    expect(remainingTimeInMillis).toBeLessThanOrEqual(PROBE_TIMEOUT_SECONDS * 1000);
  });

  it('the environment has the variables Lambda sets, in their formats', async () => {
    const { env } = await captured('promise');

    expect(conformance(loadFixture('lambda-environment'), env)).toEqual(CONFORMING);
    expect(env.LOCAL_HANDLER).toBeUndefined();
  });

  it.each(['callback', 'succeed', 'done'])('an invocation settled through %s answers what it was given', async (mode) => {
    const { event } = await captured(mode);

    expect((event.pathParameters as { mode: string }).mode).toBe(mode);
  });

  it('context.fail fails the invocation (API Gateway answers 500) instead of hanging until the timeout', async () => {
    const started = Date.now();
    const answer = await probeRuntime().request('/probe/fail');

    expect(answer.status).toBe(500);
    expect(Date.now() - started).toBeLessThan(PROBE_TIMEOUT_SECONDS * 1000);
  });

  it('console lines are written in the JSON log format the template asks for, at its default INFO level', async () => {
    const { context } = await captured('log');
    const logName = readdirSync(probeRuntime().runtime.logDir).find((name) => name.startsWith('ProbeFunction')) as string;
    const lines = readFileSync(path.join(probeRuntime().runtime.logDir, logName), 'utf8').split('\n');
    const line = lines.find((candidate) => candidate.includes('probe console line'));

    expect(JSON.parse(line as string)).toEqual({
      timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      level: 'INFO',
      requestId: context.awsRequestId,
      message: "probe console line { orderId: 'o-1' }",
    });
    expect(lines.some((candidate) => candidate.includes('probe debug line'))).toBe(false);
  });

  it('each environment has its own log stream, kept for all its invocations', async () => {
    const first = await captured('promise');
    const second = await captured('promise');

    expect(second.invocationsOfThisEnvironment).toBeGreaterThan(1);
    expect(second.context.logStreamName).toBe(first.context.logStreamName);
  });
});
