import { type ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import { endWithRuntime } from '../end-with-runtime';
import { callerIdFor } from './caller-id';

export interface InvocationError {
  readonly errorType: string;
  readonly errorMessage: string;
}

/** Wall-clock and CPU time (user + system) of a phase, as the environment's process measured them. */
export interface PhaseTimes {
  readonly durationMs: number;
  readonly cpuMs: number;
}

/** What the environment answered for one invocation. */
export type EnvironmentResult = PhaseTimes &
  (
    | { readonly ok: true; readonly result: unknown; readonly metrics: Readonly<Record<string, number>> }
    | { readonly ok: false; readonly error: InvocationError; readonly metrics: Readonly<Record<string, number>> }
  );

export interface EnvironmentSpec {
  readonly codeDir: string;
  readonly handler: string;
  /** The Node binary to run (the function's Runtime); the runtime's own when absent. */
  readonly nodeBinary?: string;
  readonly environment: Readonly<Record<string, string>>;
  /** This environment's stream in the function's log group, as Lambda names it. */
  readonly logStreamName: string;
  /** A file descriptor opened for appending: the environment writes its logs there itself, as Lambda's log agent would. */
  readonly logFd: number;
  /** Notes of the runtime about this environment. */
  readonly runtimeLog: (line: string) => void;
}

type EnvironmentMessage =
  | { type: 'ready'; initDurationMs: number; initCpuMs: number }
  | { type: 'init-error'; initDurationMs: number; initCpuMs: number; error: InvocationError }
  | ({ type: 'result'; id: string } & EnvironmentResult);

const BOOTSTRAP = path.join(__dirname, 'bootstrap.js');
let environmentsStarted = 0;
const nextEnvironmentNumber = (): number => {
  environmentsStarted += 1;
  return environmentsStarted;
};

/**
 * One execution environment: a plain `node` process running bootstrap.js (never the runtime's own
 * TypeScript loader), in its own process group so a terminal's Ctrl-C reaches only the runtime,
 * which then decides when the environment stops. It exits by itself when the runtime's IPC channel
 * closes, so it cannot outlive the runtime.
 */
export class ExecutionEnvironment {
  private readonly child: ChildProcess;
  private pending: { id: string; resolve: (result: EnvironmentResult | { exited: string }) => void } | undefined;
  private exitReason: string | undefined;
  private killedBySignal: NodeJS.Signals | null = null;
  private killed = false;
  readonly exited: Promise<string>;
  /** Resolves with INIT's duration and CPU time, or rejects with the INIT error. */
  readonly initialized: Promise<PhaseTimes>;
  /** Names this environment to the counting proxies (see caller-id.ts), unless the function sets AWS_SDK_UA_APP_ID itself. */
  readonly callerId = callerIdFor(nextEnvironmentNumber());
  readonly logStreamName: string;

  constructor(spec: EnvironmentSpec) {
    this.logStreamName = spec.logStreamName;
    this.child = fork(BOOTSTRAP, [], {
      cwd: spec.codeDir,
      execPath: spec.nodeBinary,
      execArgv: [],
      detached: true,
      // Straight into the function's log file: the runtime's event loop never copies log bytes.
      stdio: ['ignore', spec.logFd, spec.logFd, 'ipc'],
      env: {
        AWS_SDK_UA_APP_ID: this.callerId,
        ...spec.environment,
        AWS_LAMBDA_LOG_STREAM_NAME: spec.logStreamName,
        LOCAL_HANDLER_DIR: spec.codeDir,
        LOCAL_HANDLER: spec.handler,
      },
    });
    endWithRuntime(this.child);

    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.killedBySignal = signal;
        this.exitReason = signal ? `signal ${signal}` : `code ${code}`;
        this.pending?.resolve({ exited: this.exitReason });
        this.pending = undefined;
        resolve(this.exitReason);
      });
    });
    // A failed fork or a failed IPC write: the process is gone or going; 'exit' does the bookkeeping.
    this.child.on('error', (error) => spec.runtimeLog(`environment error: ${error.message}`));

    this.initialized = new Promise<PhaseTimes>((resolve, reject) => {
      this.child.on('message', (message: EnvironmentMessage) => {
        if (message.type === 'ready') resolve({ durationMs: message.initDurationMs, cpuMs: message.initCpuMs });
        else if (message.type === 'init-error')
          reject(Object.assign(new Error(message.error.errorMessage), { invocationError: message.error }));
        else if (message.type === 'result' && this.pending?.id === message.id) {
          const { resolve: settle } = this.pending;
          this.pending = undefined;
          settle(message);
        }
      });
      void this.exited.then((reason) => reject(new Error(`execution environment exited during INIT (${reason})`)));
    });
    this.initialized.catch(() => undefined);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The signal that ended the process, once it has exited by one. */
  get exitSignal(): NodeJS.Signals | null {
    return this.killedBySignal;
  }

  /** False from the moment it is killed: a dying environment takes no more invocations. */
  get alive(): boolean {
    return this.exitReason === undefined && !this.killed;
  }

  /** Sends one invocation; resolves with its result, or `{ exited }` if the process died first. */
  invoke(
    id: string,
    event: unknown,
    context: Record<string, unknown>,
    timeoutMs: number,
    traceId?: string,
  ): Promise<EnvironmentResult | { exited: string }> {
    if (!this.alive) return Promise.resolve({ exited: this.exitReason ?? 'exited' });
    return new Promise((resolve) => {
      this.pending = { id, resolve };
      this.child.send({ type: 'invoke', id, event, context, timeoutMs, traceId }, (error) => {
        if (!error) return;
        // The channel broke: the process is dying; make sure it is gone so 'exit' settles the call.
        this.kill();
      });
    });
  }

  kill(): void {
    if (!this.alive) return;
    this.killed = true;
    this.child.kill('SIGKILL');
  }

  /** Closes the channel (the environment exits by itself), with a forced kill after `graceMs`. */
  async shutdown(graceMs = 2_000): Promise<void> {
    if (this.exitReason !== undefined) return;
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.kill(), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
