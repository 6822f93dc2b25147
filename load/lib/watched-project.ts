import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BANNER_API_LINE, createEphemeralDir, type EphemeralDir } from '../../local-runtime';

const PROJECT_ROOT = path.join(__dirname, '..', '..');
/** What `npm start` needs from the project; node_modules is linked, not copied. */
const COPIED = [
  'functions',
  'shared-layer',
  'infra',
  'local-runtime',
  'ops',
  'test/events',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'cdk.json',
];

export interface OutputLine {
  /** performance.now() when the line arrived. */
  readonly at: number;
  readonly text: string;
}

/**
 * A copy of the project in a temp dir running `npm start -- --watch` on free ports: what the watch-mode tests and
 * `npm run bench:reload` edit while orders flow. The copy and every process go with `stop()`.
 */
export class WatchedProject {
  readonly lines: OutputLine[] = [];
  private partial = '';
  readonly exited: Promise<number | null>;
  private documentClient: DynamoDBDocumentClient | undefined;

  private constructor(
    private readonly dir: EphemeralDir,
    private readonly child: ChildProcess,
  ) {
    const collect = (chunk: Buffer) => {
      const text = this.partial + chunk.toString('utf8');
      const complete = text.split('\n');
      this.partial = complete.pop() ?? '';
      const at = performance.now();
      for (const line of complete) this.lines.push({ at, text: line });
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static async start(timeoutMs = 90_000): Promise<WatchedProject> {
    const dir = createEphemeralDir('orders-watch-');
    for (const entry of COPIED) cpSync(path.join(PROJECT_ROOT, entry), path.join(dir.path, entry), { recursive: true });
    symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(dir.path, 'node_modules'), 'dir');
    mkdirSync(path.join(dir.path, '.local'), { recursive: true });
    // Every port free, so that a copy never collides with `npm start` on its defaults or another copy.
    const ports = ['--api-port', '--https-port', '--dynamodb-port', '--sqs-port', '--dashboard-port', '--lambda-port'].flatMap((flag) => [
      flag,
      '0',
    ]);
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'local-runtime/cli.ts', '--watch', ...ports], {
      cwd: dir.path,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TS_NODE_PROJECT: path.join(dir.path, 'tsconfig.json') },
    });
    const project = new WatchedProject(dir, child);
    try {
      await project.waitForLine(/watching functions\//, 0, timeoutMs);
    } catch (error) {
      await project.stop();
      throw error;
    }
    return project;
  }

  get root(): string {
    return this.dir.path;
  }

  get output(): string {
    return this.lines.map((line) => line.text).join('\n');
  }

  get apiUrl(): string {
    const match = BANNER_API_LINE.exec(this.output);
    if (!match) throw new Error(`npm start printed no API URL:\n${this.output}`);
    return match[1];
  }

  /** The stack's outputs as `.local/outputs.json` holds them now. */
  outputs(): Record<string, string> {
    const file = JSON.parse(readFileSync(path.join(this.root, '.local', 'outputs.json'), 'utf8')) as Record<string, Record<string, string>>;
    return Object.values(file)[0];
  }

  /** A document client on the runtime's DynamoDB endpoint. */
  get documents(): DynamoDBDocumentClient {
    this.documentClient ??= DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: this.outputs().DynamoDbEndpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    );
    return this.documentClient;
  }

  /** Rewrites a project file in place, as an editor saves it; returns when it was written (performance.now()). */
  edit(relativePath: string, change: (text: string) => string): number {
    const file = path.join(this.root, relativePath);
    const before = readFileSync(file, 'utf8');
    const after = change(before);
    if (after === before) throw new Error(`the edit changed nothing in ${relativePath}: has its code moved on? Update the edit.`);
    writeFileSync(file, after);
    return performance.now();
  }

  /** The first line matching `pattern` that arrived after `since` (performance.now()). */
  async waitForLine(pattern: RegExp, since: number, timeoutMs = 30_000): Promise<OutputLine> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find((line) => line.at >= since && pattern.test(line.text));
      if (found) return found;
      if (this.child.exitCode !== null) throw new Error(`npm start -- --watch exited (${this.child.exitCode}):\n${this.output}`);
      if (performance.now() > deadline) throw new Error(`no line matching ${pattern} within ${timeoutMs / 1000} s:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Ctrl-C, as a user stops it; then the copy goes. */
  async stop(): Promise<void> {
    this.documentClient?.destroy();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGINT');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
      await this.exited;
      clearTimeout(timer);
    }
    this.dir.remove();
  }
}

/** Consumer batches as `npm start` prints them: records per batch and how many it wrote. */
export const batchLines = (lines: readonly OutputLine[]): { at: number; records: number; written: number }[] =>
  lines.flatMap((line) => {
    const match = /batch ConsumerFunction\w*: (\d+) records, (\d+) written/.exec(line.text);
    return match ? [{ at: line.at, records: Number(match[1]), written: Number(match[2]) }] : [];
  });
