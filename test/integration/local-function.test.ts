import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EnvironmentBudget } from '../../local-runtime/lambda/environment-budget';
import {
  type InvocationRecord,
  type InvokeOutcome,
  LocalFunction,
  type LocalFunctionDefinition,
} from '../../local-runtime/lambda/local-function';

/** Handlers as plain JS modules, the way a bundle is: each behaviour a test needs, by file name. */
const HANDLERS: Record<string, string> = {
  // Answers with its process id after waiting event.ms; logs one EMF record.
  'echo.js': `
    exports.handler = async (event) => {
      await new Promise((resolve) => setTimeout(resolve, event.ms || 0));
      console.log(JSON.stringify({ _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: 'T', Dimensions: [[]], Metrics: [{ Name: 'ordersStored' }] }] }, ordersStored: event.stored || 0 }));
      if (event.exit) process.exit(3);
      return { pid: process.pid };
    };`,
  // INIT takes 1.5 s: longer than the 1 s function timeout the tests give it.
  'slow-init.js': `
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500);
    exports.handler = async () => ({ pid: process.pid });`,
  'hung-init.js': `
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000);
    exports.handler = async () => ({});`,
  // Spends event.cpuMs of CPU time (INIT spends 40 ms), then waits event.waitMs.
  'spin.js': `
    const spin = (ms) => { const start = process.cpuUsage(); for (;;) { const { user, system } = process.cpuUsage(start); if (user + system >= ms * 1000) return; } };
    spin(40);
    exports.handler = async (event) => {
      spin(event.cpuMs || 0);
      await new Promise((resolve) => setTimeout(resolve, event.waitMs || 0));
      return { pid: process.pid };
    };`,
  'broken-init.js': `throw new TypeError('cannot read the config');`,
  // The same handler in two versions (watch mode swaps one for the other).
  'versioned-v1/index.js': `
    exports.handler = async (event) => {
      await new Promise((resolve) => setTimeout(resolve, event.ms || 0));
      return { version: 1, pid: process.pid };
    };`,
  'versioned-v2/index.js': `exports.handler = async () => ({ version: 2, pid: process.pid });`,
};

describe('LocalFunction', () => {
  let dir: string;
  const functions: LocalFunction[] = [];

  const localFunction = (
    handlerFile: string,
    overrides: Partial<LocalFunctionDefinition> = {},
    budget = new EnvironmentBudget(8, 2),
    initTimeoutMs?: number,
    maxQueuedInvocations?: number,
    onInvocation?: (invocation: InvocationRecord) => void,
  ) => {
    const fn = new LocalFunction(
      {
        logicalId: 'TestFunction',
        functionName: `test-${handlerFile}`,
        codeDir: dir,
        handler: `${handlerFile.replace(/\.js$/, '')}.handler`,
        timeoutSeconds: 1,
        memorySizeMb: 128,
        environment: {},
        modulePaths: [],
        logFile: path.join(dir, `${handlerFile}.log`),
        ...overrides,
      },
      { budget, initTimeoutMs, maxQueuedInvocations, onInvocation },
    );
    functions.push(fn);
    return fn;
  };

  const pidOf = (outcome: InvokeOutcome) => (outcome.ok ? (outcome.result as { pid: number }).pid : undefined);

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'orders-local-function-'));
    for (const [file, source] of Object.entries(HANDLERS)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), source);
    }
  });

  afterEach(async () => {
    await Promise.all(functions.splice(0).map((fn) => fn.stop()));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('replaces its code without failing an invocation: in flight ones finish on the old code, later ones run the new', async () => {
    const fn = localFunction('index.js', { codeDir: path.join(dir, 'versioned-v1') });
    const warm = await fn.invoke({});
    const inFlight = fn.invoke({ ms: 400 });
    await new Promise((resolve) => setTimeout(resolve, 100));

    const retired = fn.replaceDefinition({ ...fn.definition, codeDir: path.join(dir, 'versioned-v2') });
    const [during, after] = await Promise.all([inFlight, fn.invoke({})]);
    await retired;

    expect(warm).toMatchObject({ ok: true, result: { version: 1 } });
    expect(during).toMatchObject({ ok: true, result: { version: 1 } });
    expect(after).toMatchObject({ ok: true, result: { version: 2 }, coldStart: true });
    // The old environment ended once its invocation was done; the next invocation reuses the new one.
    expect(await fn.invoke({})).toMatchObject({ ok: true, result: { version: 2, pid: pidOf(after) }, coldStart: false });
    expect(fn.environmentCount).toBe(1);
  });

  it('reuses a warm environment for the next invocation', async () => {
    const fn = localFunction('echo.js');

    const first = await fn.invoke({});
    const second = await fn.invoke({});

    expect(first).toMatchObject({ ok: true, coldStart: true });
    expect(second).toMatchObject({ ok: true, coldStart: false });
    expect(pidOf(second)).toBe(pidOf(first));
    expect(fn.usage).toMatchObject({ invocations: 2, coldStarts: 1 });
  });

  it('reports the CPU time of INIT and of each invocation apart from time spent waiting', async () => {
    const records: InvocationRecord[] = [];
    const fn = localFunction('spin.js', {}, undefined, undefined, undefined, (record) => records.push(record));

    const cold = await fn.invoke({ cpuMs: 30 });
    const waiting = await fn.invoke({ waitMs: 150 });

    expect(cold).toMatchObject({ ok: true, coldStart: true });
    expect(cold.cpuMs).toBeGreaterThanOrEqual(30);
    expect(cold.init?.cpuMs).toBeGreaterThanOrEqual(40);
    expect(cold.init?.durationMs).toBeGreaterThanOrEqual(cold.init?.cpuMs ?? Number.POSITIVE_INFINITY);
    expect(waiting.durationMs).toBeGreaterThanOrEqual(150);
    // A timer costs next to no CPU: far below the wait.
    expect(waiting.cpuMs).toBeLessThan(50);
    expect(waiting.init).toBeUndefined();
    expect(records.map((record) => [record.coldStart, record.cpuMs, record.init])).toEqual([
      [true, cold.cpuMs, cold.init],
      [false, waiting.cpuMs, undefined],
    ]);
    expect(fn.usage.initCpuMs).toBe(cold.init?.cpuMs);
    expect(fn.usage.cpuMs).toBeCloseTo((cold.cpuMs ?? 0) + (waiting.cpuMs ?? 0), 6);
  });

  it('gives INIT its own limit: an INIT longer than the function timeout still serves the invocation', async () => {
    const fn = localFunction('slow-init.js');

    const outcome = await fn.invoke({});

    expect(outcome).toMatchObject({ ok: true, coldStart: true });
    expect(fn.usage.initDurationMs).toBeGreaterThanOrEqual(1500);
  });

  it('fails the invocation when INIT exceeds the INIT limit, and ends that environment', async () => {
    const fn = localFunction('hung-init.js', {}, undefined, 500);

    const outcome = await fn.invoke({});

    expect(outcome).toMatchObject({
      ok: false,
      error: { errorType: 'Runtime.InitError', errorMessage: 'INIT did not finish within 0.5 s' },
    });
    expect(fn.environmentCount).toBe(0);
  });

  it('fails the invocation with the INIT error when the module throws while loading', async () => {
    const fn = localFunction('broken-init.js');

    const outcome = await fn.invoke({});

    expect(outcome).toMatchObject({
      ok: false,
      error: { errorType: 'Runtime.InitError: TypeError', errorMessage: 'cannot read the config' },
    });
  });

  it('times out the invoke alone, discards that environment, and starts a new one for the next invocation', async () => {
    const fn = localFunction('echo.js');
    const warm = pidOf(await fn.invoke({}));

    const timedOut = await fn.invoke({ ms: 5_000 });
    const next = await fn.invoke({});

    expect(timedOut).toMatchObject({
      ok: false,
      timedOut: true,
      error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.00 seconds' },
    });
    expect(next).toMatchObject({ ok: true, coldStart: true });
    expect(pidOf(next)).not.toBe(warm);
  });

  it('reports a crashed environment as Runtime.ExitError and replaces it', async () => {
    const fn = localFunction('echo.js');

    const crashed = await fn.invoke({ exit: true });
    const next = await fn.invoke({});

    expect(crashed).toMatchObject({
      ok: false,
      error: { errorType: 'Runtime.ExitError', errorMessage: 'execution environment exited (code 3)' },
    });
    expect(next).toMatchObject({ ok: true, coldStart: true });
  });

  it('never runs more environments than the reserved concurrency: the rest wait their turn', async () => {
    const fn = localFunction('echo.js', { reservedConcurrency: 2, timeoutSeconds: 5 });

    const outcomes = await Promise.all(Array.from({ length: 8 }, () => fn.invoke({ ms: 100 })));

    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(new Set(outcomes.map(pidOf)).size).toBeLessThanOrEqual(2);
    expect(fn.usage.coldStarts).toBeLessThanOrEqual(2);
  });

  it('throttles invocations beyond the bounded queue with TooManyRequestsException', async () => {
    const fn = localFunction('echo.js', { reservedConcurrency: 1, timeoutSeconds: 5 }, undefined, undefined, 2);

    const outcomes = await Promise.all(Array.from({ length: 5 }, () => fn.invoke({ ms: 200 })));

    const throttled = outcomes.filter((outcome) => !outcome.ok && outcome.throttled);
    expect(throttled).toHaveLength(3);
    expect(throttled[0]).toMatchObject({ error: { errorType: 'TooManyRequestsException' } });
    expect(fn.usage.throttles).toBe(3);
  });

  it('keeps a busy function from starving another one under the machine-wide limit', async () => {
    const budget = new EnvironmentBudget(2, 2);
    const busy = localFunction('echo.js', { timeoutSeconds: 5 }, budget);
    const other = localFunction('echo.js', { functionName: 'other', timeoutSeconds: 5 }, budget);
    let floodDone = false;
    const flood = Promise.all(Array.from({ length: 30 }, () => busy.invoke({ ms: 100 }))).then(() => (floodDone = true));
    await new Promise((resolve) => setTimeout(resolve, 300));

    const served = await other.invoke({});
    const servedWhileFlooded = !floodDone;
    await flood;

    expect(served).toMatchObject({ ok: true });
    expect(servedWhileFlooded).toBe(true);
    expect(busy.environmentCount + other.environmentCount).toBeLessThanOrEqual(2);
  });

  it('sums the EMF metric values an invocation logs, and writes its output to the log file', async () => {
    const fn = localFunction('echo.js');

    const outcome = await fn.invoke({ stored: 7 });
    await fn.stop();

    expect(outcome.metrics).toEqual({ ordersStored: 7 });
    expect(readFileSync(path.join(dir, 'echo.js.log'), 'utf8')).toContain('"ordersStored":7');
  });

  it('lets in-flight invocations finish on stop, then refuses new ones', async () => {
    const fn = localFunction('echo.js', { timeoutSeconds: 5 });
    const inFlight = fn.invoke({ ms: 300 });
    await new Promise((resolve) => setTimeout(resolve, 50));

    await fn.stop();

    expect(await inFlight).toMatchObject({ ok: true });
    expect(await fn.invoke({})).toMatchObject({ ok: false, throttled: true, error: { errorType: 'FunctionStoppedError' } });
    expect(fn.environmentCount).toBe(0);
  });
});
