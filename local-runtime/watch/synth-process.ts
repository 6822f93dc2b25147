import { type ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import type { LocalBuild } from '../../infra/constructs/local-build';
import { type StageAssembly, readStageAssembly } from '../cloud-assembly';
import { endWithRuntime } from '../end-with-runtime';

export interface SynthRequest {
  readonly stage: string;
  readonly outdir: string;
}

export type SynthReply =
  | { readonly ok: true; readonly ready: true }
  | { readonly ok: true; readonly ready?: undefined; readonly stackName: string; readonly builds: Record<string, LocalBuild> }
  | { readonly ok: false; readonly error: string };

export class SynthError extends Error {
  override readonly name = 'SynthError';
}

const WORKER = path.join(__dirname, 'synth-worker.ts');

/**
 * Watch mode's synth: a child process (synth-worker.ts) that keeps aws-cdk-lib loaded, started ahead of the first
 * stack change. One synth at a time; a worker that died is replaced on the next request.
 */
export class SynthProcess {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  /** The worker's output (CDK's bundling notes); shown only with an error that has no message of its own. */
  private output = '';

  constructor(private readonly outdir: string) {}

  /** Starts the worker now so that the first synth finds it warm. */
  warmUp(): void {
    this.ensureWorker();
  }

  async synthesize(stage: string): Promise<StageAssembly> {
    await this.ensureWorker();
    const child = this.child as ChildProcess;
    this.output = '';
    const reply = await new Promise<SynthReply>((resolve) => {
      const onExit = (code: number | null, signal: string | null) =>
        resolve({
          ok: false,
          error: `the synth process exited (${signal ?? `code ${code}`}) ${this.output.trim().split('\n').slice(-5).join('\n')}`,
        });
      child.once('exit', onExit);
      child.once('message', (message: SynthReply) => {
        child.off('exit', onExit);
        resolve(message);
      });
      child.send({ stage, outdir: this.outdir } satisfies SynthRequest);
    });
    if (!reply.ok) throw new SynthError(reply.error);
    if (reply.ready) throw new SynthError('the synth process answered out of turn');
    return readStageAssembly(this.outdir, reply.stackName, reply.builds);
  }

  stop(): void {
    this.child?.kill('SIGKILL');
    this.child = undefined;
  }

  private ensureWorker(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null && this.ready) return this.ready;
    const child = fork(WORKER, [], {
      execArgv: ['-r', require.resolve('ts-node/register/transpile-only')],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    endWithRuntime(child);
    const collect = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-8_000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.child = child;
    this.ready = new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code, signal) =>
        reject(
          new SynthError(
            `the synth process could not start (${signal ?? `code ${code}`}): ${this.output.trim().split('\n').slice(-5).join('\n')}`,
          ),
        ),
      );
    });
    this.ready.catch(() => {
      this.child = undefined;
    });
    return this.ready;
  }
}
