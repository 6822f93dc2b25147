import { type ChildProcess, fork } from 'node:child_process';
import { type WriteStream, createWriteStream } from 'node:fs';
import * as path from 'node:path';
import { EventEmitter } from 'node:events';
import { endWithRuntime } from '../end-with-runtime';

export class EmulatorStartError extends Error {
  override readonly name = 'EmulatorStartError';
}

/** emulator-child.js exits with this code when its port is taken. */
const PORT_IN_USE_EXIT_CODE = 98;
const STOP_GRACE_MS = 5_000;

export interface EmulatorOptions {
  readonly name: string;
  readonly script: string;
  readonly port: number;
  readonly portFlag: string;
  readonly dataDir?: string;
  readonly logFile: string;
  readonly startTimeoutMs?: number;
  /** Added to the runtime's environment (which the emulator inherits), e.g. LOCAL_DYNAMODB_TTL_SWEEP_SECONDS. */
  readonly env?: Readonly<Record<string, string>>;
}

const describeExit = (code: number | null, signal: NodeJS.Signals | null) => (signal ? `killed by ${signal}` : `exit code ${code}`);

/**
 * One emulator (dynalite or fauxqs) as a child process: forked on the project's Node with an IPC
 * channel (it exits when the channel closes, so it cannot outlive the runtime), in its own process
 * group (a terminal's Ctrl-C is for the runtime, which stops emulators last). Emits 'crash' with the
 * reason when it exits without being asked to; `restart()` starts it again on the same port and data.
 */
export class EmulatorProcess extends EventEmitter<{ crash: [string] }> {
  private child: ChildProcess | undefined;
  private stopping = false;
  private readonly log: WriteStream;
  private boundPort: number;

  private constructor(private readonly options: EmulatorOptions) {
    super();
    this.log = createWriteStream(options.logFile, { flags: 'a' });
    this.boundPort = options.port;
  }

  static async start(options: EmulatorOptions): Promise<EmulatorProcess> {
    const emulator = new EmulatorProcess(options);
    await emulator.launch();
    return emulator;
  }

  get name(): string {
    return this.options.name;
  }

  get port(): number {
    return this.boundPort;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.boundPort}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get dataDir(): string | undefined {
    return this.options.dataDir;
  }

  /** Starts it again on the port it had, on the same data. */
  async restart(): Promise<void> {
    await this.launch();
  }

  private async launch(): Promise<void> {
    const { options } = this;
    const args = [String(this.boundPort), ...(options.dataDir ? [options.dataDir] : [])];
    const child = fork(options.script, args, {
      cwd: path.dirname(options.script),
      execArgv: ['--no-warnings'],
      detached: true,
      env: options.env ? { ...process.env, ...options.env } : process.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    endWithRuntime(child);
    child.stdout?.on('data', (chunk: Buffer) => this.log.write(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.log.write(chunk));
    child.on('error', (error) => this.log.write(`[runtime] ${options.name}: ${error.message}\n`));

    const timeoutMs = options.startTimeoutMs ?? 20_000;
    let exitBeforeReady: (code: number | null, signal: NodeJS.Signals | null) => void = () => undefined;
    this.boundPort = await new Promise<number>((resolve, reject) => {
      const fail = (reason: string) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new EmulatorStartError(`${options.name} ${reason}. Log: ${options.logFile}`));
      };
      const timer = setTimeout(() => fail(`did not start within ${timeoutMs / 1000} s`), timeoutMs);
      child.on('message', (message: { ready?: number }) => {
        if (typeof message?.ready !== 'number') return;
        clearTimeout(timer);
        resolve(message.ready);
      });
      exitBeforeReady = (code, signal) => {
        if (code === PORT_IN_USE_EXIT_CODE) {
          fail(`cannot listen: port ${this.boundPort} is taken. Stop what uses it, or pass ${options.portFlag} <port>`);
        } else {
          fail(`exited before it was ready (${describeExit(code, signal)})`);
        }
      };
      child.once('exit', exitBeforeReady);
    });
    child.off('exit', exitBeforeReady);
    child.once('exit', (code, signal) => {
      if (!this.stopping) this.emit('crash', describeExit(code, signal));
    });
  }

  /** SIGTERM, then SIGKILL after a grace period. */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(killer);
    }
    await new Promise<void>((resolve) => this.log.end(() => resolve()));
  }
}
