import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as path from 'node:path';
import { BANNER_API_LINE } from '../../local-runtime';

const PROJECT_ROOT = path.join(__dirname, '..', '..');

/** `npm start` as a user runs it, in its own process group (as a terminal would put it), on free ports. */
export class RuntimeProcess {
  private output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** `args` go after the port and data options (`--app ...`, `--stage ...`). */
  static async start(dataDir: string, timeoutMs = 60_000, args: readonly string[] = []): Promise<RuntimeProcess> {
    const child = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        'local-runtime/cli.ts',
        '--data-dir',
        dataDir,
        '--api-port',
        '0',
        '--https-port',
        '0',
        '--dynamodb-port',
        '0',
        '--sqs-port',
        '0',
        '--dashboard-port',
        '0',
        '--lambda-port',
        '0',
        ...args,
      ],
      {
        cwd: PROJECT_ROOT,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, TS_NODE_PROJECT: path.join(PROJECT_ROOT, 'tsconfig.json') },
      },
    );
    const runtime = new RuntimeProcess(child);
    const deadline = Date.now() + timeoutMs;
    while (!BANNER_API_LINE.test(runtime.output)) {
      if (child.exitCode !== null || Date.now() > deadline) {
        runtime.kill('SIGKILL');
        throw new Error(`npm start did not come up:\n${runtime.output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return runtime;
  }

  get apiUrl(): string {
    return (BANNER_API_LINE.exec(this.output) as RegExpExecArray)[1];
  }

  get log(): string {
    return this.output;
  }

  get pid(): number {
    return this.child.pid as number;
  }

  /** Signals the whole process group, as Ctrl-C in a terminal does. */
  signalGroup(signal: NodeJS.Signals): void {
    process.kill(-this.pid, signal);
  }

  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}

/** Every process below `pid` (children, their children, …), from `ps`. */
export const descendantsOf = (pid: number): number[] => {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number));
  const found: number[] = [];
  const visit = (parent: number) => {
    for (const [child, ppid] of rows) {
      if (ppid === parent) {
        found.push(child);
        visit(child);
      }
    }
  };
  visit(pid);
  return found;
};

/** Processes whose command line contains `text`. */
export const processesMatching = (text: string): number[] =>
  execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .filter((line) => line.includes(text) && !line.includes(' ps -eo'))
    .map((line) => Number(line.trim().split(/\s+/)[0]));

export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
