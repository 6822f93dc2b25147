import { randomUUID } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import type { BudgetMember, EnvironmentBudget } from './environment-budget';
import { ExecutionEnvironment, type InvocationError, type PhaseTimes } from './execution-environment';
import { localFunctionArn } from '../intrinsics';
import { lambdaTraceHeader } from './trace-header';

export interface LocalFunctionDefinition {
  readonly logicalId: string;
  readonly functionName: string;
  readonly codeDir: string;
  /** "index.handler" */
  readonly handler: string;
  /** The template's Runtime ("nodejs20.x"); nodejs22.x when absent. */
  readonly runtime?: string;
  /** The Node binary its environments run on (node-runtimes.ts); the runtime's own when absent. */
  readonly nodeBinary?: string;
  readonly timeoutSeconds: number;
  readonly memorySizeMb: number;
  /** The template's ReservedConcurrentExecutions, if any. */
  readonly reservedConcurrency?: number;
  /** The function's resolved environment plus the local endpoints. */
  readonly environment: Readonly<Record<string, string>>;
  /** Folders mounted like /opt/nodejs/node_modules, in layer order. */
  readonly modulePaths: readonly string[];
  /** Where the function's environments write their output (appended). */
  readonly logFile: string;
  /** The template's LoggingConfig.LogGroup; Lambda's default `/aws/lambda/<name>` when absent. */
  readonly logGroupName?: string;
  /** The template's LoggingConfig.LogFormat (Lambda's default: Text). */
  readonly logFormat?: 'Text' | 'JSON';
  /** The template's LoggingConfig.ApplicationLogLevel (JSON format only). */
  readonly applicationLogLevel?: string;
  /**
   * The template's LoggingConfig.SystemLogLevel (JSON format only). The runtime writes no platform lines; the load's
   * cost model counts the ones Lambda would send at this level.
   */
  readonly systemLogLevel?: 'DEBUG' | 'INFO' | 'WARN';
  /** The template's TracingConfig.Mode: Active samples every invocation's trace. */
  readonly tracingMode?: 'Active' | 'PassThrough';
}

/** What an invoker passes along with the event, as Lambda's Invoke API and event sources do. */
export interface InvokeOptions {
  /** The caller's `X-Amzn-Trace-Id` (API Gateway sends one): the invocation joins that trace. */
  readonly traceHeader?: string;
}

export interface LocalFunctionOptions {
  /** Shared by every function of the runtime: the account-style concurrency limit. */
  readonly budget: EnvironmentBudget;
  /** Invocations that may wait for an environment; beyond it, invocations are throttled. */
  readonly maxQueuedInvocations?: number;
  /** Lambda gives INIT its own limit of 10 s, apart from the function timeout. */
  readonly initTimeoutMs?: number;
  /** Told of every invocation as it ends, throttled ones included: what CloudWatch's Lambda metrics count. */
  readonly onInvocation?: (invocation: InvocationRecord) => void;
}

export type InvokeOutcome = (
  | { readonly ok: true; readonly result: unknown }
  | {
      readonly ok: false;
      readonly error: InvocationError;
      readonly timedOut: boolean;
      /** Refused for lack of concurrency (Lambda's TooManyRequestsException): the function never ran. */
      readonly throttled: boolean;
    }
) & {
  /** Handler duration as the environment measured it (0 if it never ran). */
  readonly durationMs: number;
  /** CPU time (user + system) of the handler as the environment measured it; absent when it did not answer (timeout, crash). */
  readonly cpuMs?: number;
  readonly coldStart: boolean;
  /** The INIT this invocation waited for (cold starts that got an environment only). */
  readonly init?: PhaseTimes;
  /** Summed EMF metric values the invocation logged. */
  readonly metrics: Readonly<Record<string, number>>;
};

/** One invocation as Lambda's metrics see it (Invocations, Errors, Throttles, Duration) and the EMF values it logged. */
export interface InvocationRecord {
  readonly functionLogicalId: string;
  readonly functionName: string;
  /** The handler returned (whatever it returned); false for a thrown error, a timeout, a crash, an INIT error or a throttle. */
  readonly ok: boolean;
  readonly throttled: boolean;
  /** `errorType: errorMessage` when not ok. */
  readonly error?: string;
  readonly durationMs: number;
  /** CPU time of the handler (user + system) in its environment; absent when the environment did not answer. */
  readonly cpuMs?: number;
  readonly coldStart: boolean;
  /** The INIT a cold start waited for, its duration and CPU time. */
  readonly init?: PhaseTimes;
  readonly metrics: Readonly<Record<string, number>>;
}

export interface FunctionUsage {
  readonly invocations: number;
  /** Sum of handler durations, each rounded up to 1 ms as Lambda bills them. */
  readonly durationMs: number;
  readonly coldStarts: number;
  /** Sum of INIT durations, which Lambda bills like invoke time (since 2025-08-01). */
  readonly initDurationMs: number;
  /** CPU time (user + system) of the handlers that answered, and of every INIT, as their environments measured it. */
  readonly cpuMs: number;
  readonly initCpuMs: number;
  readonly throttles: number;
}

interface QueuedInvocation {
  readonly event: unknown;
  readonly options: InvokeOptions;
  readonly resolve: (outcome: InvokeOutcome) => void;
}

export class FunctionStoppedError extends Error {
  override readonly name = 'FunctionStoppedError';
}

/** Where the local runtime's bootstrap lives: Lambda's /var/runtime. */
const RUNTIME_DIR = __dirname;
const DEFAULT_MAX_QUEUED = 1_000;
const DEFAULT_INIT_TIMEOUT_MS = 10_000;
/**
 * A child is born in the runtime's process group and leaves it (setsid) a moment later. A Ctrl-C to the terminal's
 * group in that moment stays pending in the child and kills it before its code runs (libuv resets every signal to
 * its default before exec). Such an environment is the platform's loss, not an INIT failure of the function.
 */
const SIGNALS_OF_THE_GROUP: ReadonlySet<string> = new Set(['SIGINT', 'SIGTERM']);
/** Environments lost that way in a row before the waiting invocation fails after all (a signal storm, not a race). */
const MAX_LOST_AT_BIRTH = 25;
const NO_METRICS: Readonly<Record<string, number>> = Object.freeze({});

const failure = (
  error: InvocationError,
  fields: { timedOut?: boolean; throttled?: boolean; durationMs?: number; coldStart?: boolean; init?: PhaseTimes } = {},
): InvokeOutcome => ({
  ok: false,
  error,
  timedOut: fields.timedOut ?? false,
  throttled: fields.throttled ?? false,
  durationMs: fields.durationMs ?? 0,
  coldStart: fields.coldStart ?? false,
  init: fields.init,
  metrics: NO_METRICS,
});

/**
 * Runs a function from its bundled asset the way Lambda does. Invocations wait in a bounded queue;
 * environments pull the next one when they are free (warm reuse first). A new environment starts
 * only while invocations wait and the function's and the machine's concurrency allow it; its INIT
 * has its own time limit, and the function timeout covers the invoke alone. A timed-out or crashed
 * environment is discarded and replaced on demand.
 */
export class LocalFunction implements BudgetMember {
  private readonly queue: QueuedInvocation[] = [];
  private readonly idle: ExecutionEnvironment[] = [];
  private readonly environments = new Set<ExecutionEnvironment>();
  private starting = 0;
  private busy = 0;
  private accepting = true;
  private settledWaiters: (() => void)[] = [];
  private readonly counters = { invocations: 0, durationMs: 0, coldStarts: 0, initDurationMs: 0, cpuMs: 0, initCpuMs: 0, throttles: 0 };
  private readonly logFd: number;
  private current: LocalFunctionDefinition;
  /** Bumped by every replaceDefinition; each environment keeps the one it was started with. */
  private generation = 0;
  private readonly generationOf = new Map<ExecutionEnvironment, number>();
  private lostAtBirthInARow = 0;

  constructor(
    definition: LocalFunctionDefinition,
    private readonly options: LocalFunctionOptions,
  ) {
    this.current = definition;
    this.logFd = openSync(definition.logFile, 'a');
    options.budget.join(this);
  }

  get definition(): LocalFunctionDefinition {
    return this.current;
  }

  private isStale(environment: ExecutionEnvironment): boolean {
    return this.generationOf.get(environment) !== this.generation;
  }

  /**
   * New code or configuration (watch mode): invocations from now on run on environments of the new definition.
   * Idle environments end at once, busy ones after their invocation, ones still in INIT are discarded when ready;
   * nothing is refused or retried because of the swap. Resolves when no environment of an older definition is left,
   * so that the old code's folder may go. The log file stays the one the function started with.
   */
  replaceDefinition(definition: LocalFunctionDefinition): Promise<void> {
    this.current = definition;
    this.generation += 1;
    const retiring = [...this.generationOf.keys()];
    for (const environment of this.idle.splice(0)) void environment.shutdown();
    this.runtimeLog(`definition replaced (code ${definition.codeDir}); ${retiring.length} environment(s) of the old one retire`);
    this.dispatch();
    return Promise.all(retiring.map((environment) => environment.exited)).then(() => undefined);
  }

  private logOpen = true;

  private runtimeLog(line: string): void {
    if (this.logOpen) writeSync(this.logFd, `[local runtime] ${this.name}: ${line}\n`);
  }

  get name(): string {
    return this.definition.functionName;
  }

  get usage(): FunctionUsage {
    return { ...this.counters };
  }

  /** Environments that exist now (initializing, idle or busy). */
  get environmentCount(): number {
    return this.environments.size + this.starting;
  }

  get unservedInvocations(): number {
    return Math.max(0, this.queue.length - this.starting);
  }

  private get concurrencyLimit(): number {
    return this.definition.reservedConcurrency ?? Number.POSITIVE_INFINITY;
  }

  invoke(event: unknown, invokeOptions: InvokeOptions = {}): Promise<InvokeOutcome> {
    if (!this.accepting) {
      return Promise.resolve(failure({ errorType: 'FunctionStoppedError', errorMessage: `${this.name} is stopping` }, { throttled: true }));
    }
    if (this.queue.length >= (this.options.maxQueuedInvocations ?? DEFAULT_MAX_QUEUED)) {
      this.counters.throttles += 1;
      const throttled = failure({ errorType: 'TooManyRequestsException', errorMessage: 'Rate Exceeded.' }, { throttled: true });
      this.report(throttled);
      return Promise.resolve(throttled);
    }
    return new Promise((resolve) => {
      this.queue.push({ event, options: invokeOptions, resolve });
      this.dispatch();
    });
  }

  private stopped: Promise<void> | undefined;

  /** Takes no new invocations, lets queued and in-flight ones finish, then ends every environment. */
  stop(): Promise<void> {
    this.stopped ??= this.drainAndEnd();
    return this.stopped;
  }

  /** Kills the environment with this caller id at once, as a crash would; false when it is not one of this function's. */
  crashEnvironment(callerId: string): boolean {
    const environment = [...this.environments].find((candidate) => candidate.callerId === callerId);
    environment?.kill();
    return environment !== undefined;
  }

  private async drainAndEnd(): Promise<void> {
    this.accepting = false;
    while (this.queue.length > 0 || this.busy > 0 || this.starting > 0) {
      await new Promise<void>((resolve) => this.settledWaiters.push(resolve));
    }
    await Promise.all([...this.environments].map((environment) => environment.shutdown()));
    this.environments.clear();
    this.idle.length = 0;
    this.options.budget.leave(this);
    this.logOpen = false;
    closeSync(this.logFd);
  }

  evictIdle(): boolean {
    const environment = this.idle.shift();
    if (!environment) return false;
    void environment.shutdown();
    return true;
  }

  private settled(): void {
    const waiters = this.settledWaiters;
    this.settledWaiters = [];
    for (const wake of waiters) wake();
  }

  dispatch(): void {
    while (this.queue.length > 0 && this.idle.length > 0) {
      const environment = this.idle.pop() as ExecutionEnvironment;
      if (!environment.alive) continue;
      if (this.isStale(environment)) {
        void environment.shutdown();
        continue;
      }
      this.run(environment, this.queue.shift() as QueuedInvocation);
    }
    // Start environments only for invocations no starting environment will take.
    while (this.queue.length > this.starting && this.environmentCount < this.concurrencyLimit && this.options.budget.tryAcquire(this)) {
      void this.startEnvironment();
    }
  }

  private async startEnvironment(): Promise<void> {
    this.starting += 1;
    const releaseInit = await this.options.budget.initSlot();
    let environment: ExecutionEnvironment | undefined;
    try {
      if (this.queue.length === 0) {
        // Demand went away while this environment waited for an INIT slot.
        this.options.budget.release();
        return;
      }
      environment = new ExecutionEnvironment({
        logStreamName: LocalFunction.newLogStreamName(),
        codeDir: this.definition.codeDir,
        handler: this.definition.handler,
        nodeBinary: this.definition.nodeBinary,
        environment: this.processEnvironment(),
        logFd: this.logFd,
        runtimeLog: (line) => this.runtimeLog(line),
      });
      const started = environment;
      this.generationOf.set(started, this.generation);
      void started.exited.then(() => this.generationOf.delete(started));
      const initTimeoutMs = this.options.initTimeoutMs ?? DEFAULT_INIT_TIMEOUT_MS;
      let timer: NodeJS.Timeout | undefined;
      const init = await Promise.race([
        environment.initialized,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`INIT did not finish within ${initTimeoutMs / 1000} s`)), initTimeoutMs);
        }),
      ]).finally(() => clearTimeout(timer));
      this.counters.coldStarts += 1;
      this.counters.initDurationMs += init.durationMs;
      this.counters.initCpuMs += init.cpuMs;
      this.lostAtBirthInARow = 0;
      this.adopt(environment, init);
    } catch (error) {
      environment?.kill();
      const signal = environment?.exitSignal;
      if (signal && SIGNALS_OF_THE_GROUP.has(signal) && this.lostAtBirthInARow < MAX_LOST_AT_BIRTH) {
        this.lostAtBirthInARow += 1;
        // The waiting invocation stays queued: dispatch() in finally starts another environment for it.
        this.runtimeLog(`an execution environment took the process group's ${signal} while it was being created; starting another`);
        this.options.budget.release();
        return;
      }
      // As on Lambda, the invocation that needed this environment fails with the INIT error.
      const invocationError = (error as { invocationError?: InvocationError }).invocationError ?? {
        errorType: 'Runtime.InitError',
        errorMessage: (error as Error).message,
      };
      this.runtimeLog(`${invocationError.errorType}: ${invocationError.errorMessage}`);
      const waiting = this.queue.shift();
      if (waiting) {
        this.counters.invocations += 1;
        const failed = failure(invocationError, { coldStart: true });
        this.report(failed);
        waiting.resolve(failed);
      }
      this.options.budget.release();
    } finally {
      releaseInit();
      this.starting -= 1;
      this.dispatch();
      this.settled();
    }
  }

  private adopt(environment: ExecutionEnvironment, init: PhaseTimes): void {
    this.environments.add(environment);
    void environment.exited.then(() => {
      this.environments.delete(environment);
      const index = this.idle.indexOf(environment);
      if (index >= 0) this.idle.splice(index, 1);
      this.options.budget.release();
      this.dispatch();
      this.settled();
    });
    if (this.isStale(environment)) {
      // Started on code that was replaced during its INIT: waiting invocations get a new environment.
      void environment.shutdown();
      return;
    }
    const next = this.queue.shift();
    if (next) this.run(environment, next, init);
    else this.idle.push(environment);
  }

  /** `init`: the INIT this invocation waited for (a cold start); absent on a warm environment. */
  private run(environment: ExecutionEnvironment, invocation: QueuedInvocation, init?: PhaseTimes): void {
    this.busy += 1;
    void this.invokeOn(environment, invocation, init).then((outcome) => {
      this.busy -= 1;
      this.counters.invocations += 1;
      this.counters.durationMs += Math.max(1, Math.ceil(outcome.durationMs));
      this.counters.cpuMs += outcome.cpuMs ?? 0;
      this.report(outcome);
      invocation.resolve(outcome);
      if (environment.alive && (this.isStale(environment) || this.options.budget.shouldYield(this))) void environment.shutdown();
      else if (environment.alive) this.idle.push(environment);
      this.dispatch();
      this.settled();
    });
  }

  private report(outcome: InvokeOutcome): void {
    this.options.onInvocation?.({
      functionLogicalId: this.definition.logicalId,
      functionName: this.name,
      ok: outcome.ok,
      throttled: !outcome.ok && outcome.throttled,
      error: outcome.ok ? undefined : `${outcome.error.errorType}: ${outcome.error.errorMessage}`,
      durationMs: outcome.durationMs,
      cpuMs: outcome.cpuMs,
      coldStart: outcome.coldStart,
      init: outcome.init,
      metrics: outcome.metrics,
    });
  }

  private async invokeOn(
    environment: ExecutionEnvironment,
    { event, options }: QueuedInvocation,
    init: PhaseTimes | undefined,
  ): Promise<InvokeOutcome> {
    const coldStart = init !== undefined;
    const { definition } = this;
    const traceHeader = lambdaTraceHeader(options.traceHeader, definition.tracingMode === 'Active');
    const id = randomUUID();
    const timeoutMs = definition.timeoutSeconds * 1000;
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const answer = await Promise.race([environment.invoke(id, event, this.contextFor(id, environment), timeoutMs, traceHeader), timedOut]);
    clearTimeout(timer);
    if (answer === 'timeout') {
      environment.kill();
      return failure(
        { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${definition.timeoutSeconds.toFixed(2)} seconds` },
        { timedOut: true, durationMs: timeoutMs, coldStart, init },
      );
    }
    if ('exited' in answer) {
      return failure(
        { errorType: 'Runtime.ExitError', errorMessage: `execution environment exited (${answer.exited})` },
        { durationMs: performance.now() - started, coldStart, init },
      );
    }
    const measured = { durationMs: answer.durationMs, cpuMs: answer.cpuMs, coldStart, init, metrics: answer.metrics };
    return answer.ok
      ? { ok: true, result: answer.result, ...measured }
      : { ok: false, error: answer.error, timedOut: false, throttled: false, ...measured };
  }

  private contextFor(id: string, environment: ExecutionEnvironment): Record<string, unknown> {
    const { definition } = this;
    return {
      functionName: definition.functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: localFunctionArn(definition.functionName),
      memoryLimitInMB: String(definition.memorySizeMb),
      awsRequestId: id,
      logGroupName: this.logGroupName,
      logStreamName: environment.logStreamName,
    };
  }

  private get logGroupName(): string {
    return this.definition.logGroupName ?? `/aws/lambda/${this.definition.functionName}`;
  }

  /** Lambda's own form: `YYYY/MM/DD/[$LATEST]` and 32 hex digits, one stream per environment. */
  private static newLogStreamName(now = new Date()): string {
    return `${now.toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${randomUUID().replace(/-/g, '')}`;
  }

  /** The variables Lambda's Node.js runtime sets (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html). */
  private processEnvironment(): Record<string, string> {
    const { definition } = this;
    const inherited = Object.fromEntries(
      ['PATH', 'HOME'].flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name] as string]])),
    );
    return {
      ...inherited,
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      _HANDLER: definition.handler,
      AWS_LAMBDA_FUNCTION_NAME: definition.functionName,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(definition.memorySizeMb),
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_LAMBDA_LOG_GROUP_NAME: this.logGroupName,
      AWS_LAMBDA_LOG_FORMAT: definition.logFormat ?? 'Text',
      ...(definition.logFormat === 'JSON' && definition.applicationLogLevel
        ? { AWS_LAMBDA_LOG_LEVEL: definition.applicationLogLevel.toUpperCase() }
        : {}),
      AWS_EXECUTION_ENV: `AWS_Lambda_${definition.runtime ?? 'nodejs22.x'}`,
      AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
      LAMBDA_TASK_ROOT: definition.codeDir,
      LAMBDA_RUNTIME_DIR: RUNTIME_DIR,
      ...definition.environment,
      NODE_PATH: definition.modulePaths.join(path.delimiter),
    };
  }
}
