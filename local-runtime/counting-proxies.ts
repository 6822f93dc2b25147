import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { buildSync } from 'esbuild';
import type { CountingProxiesWorkerData, FromCountingProxies } from './counting-proxies-worker';
import type { FaultConfig } from './faults/fault-config';
import { type BilledUsage, SharedCounts } from './shared-counts';

const WORKER_SOURCE = path.join(__dirname, 'counting-proxies-worker.ts');
const STOP_GRACE_MS = 5_000;

/**
 * The counting proxies in front of the emulators, on a worker thread of their own; their counts live
 * in shared memory, so `requestCounts()` and `billed()` are exact at any moment.
 */
export interface CountingProxiesOptions {
  /** Emulator endpoint by service name. */
  readonly targets: Readonly<Record<string, string>>;
  /** Where the worker's plain-JS bundle goes. */
  readonly buildDir: string;
  /** Faults injected into the functions' DynamoDB calls; none when absent. */
  readonly dynamoDbFaults?: FaultConfig;
  /** Seeds the faults' random choices. */
  readonly seed: number;
  /** Called when a fault means the caller (an execution environment, by its SDK app id) crashes now. */
  readonly crashCaller: (callerId: string) => void;
}

export class CountingProxies {
  private constructor(
    private readonly worker: Worker,
    private readonly counts: SharedCounts,
    /** By service: the endpoint functions and pollers use instead of the emulator's. */
    readonly endpoints: Readonly<Record<string, string>>,
  ) {}

  static async start({ targets, buildDir, dynamoDbFaults, seed, crashCaller }: CountingProxiesOptions): Promise<CountingProxies> {
    // The worker runs plain JS, whatever loads this module (ts-node, jest): bundle it from source.
    const outfile = path.join(buildDir, 'counting-proxies-worker.js');
    buildSync({
      entryPoints: [WORKER_SOURCE],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      outfile,
      logLevel: 'silent',
    });
    const counts = new SharedCounts();
    const worker = new Worker(outfile, {
      workerData: { targets, buffers: counts.buffers, dynamoDbFaults, seed } satisfies CountingProxiesWorkerData,
    });
    try {
      const endpoints = await new Promise<Readonly<Record<string, string>>>((resolve, reject) => {
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`the counting proxies' thread exited (code ${code}) before it was ready`)));
        worker.on('message', (message: FromCountingProxies) => {
          if (message.type === 'ready') resolve(message.endpoints);
          else if (message.type === 'failed') reject(new Error(`the counting proxies could not start: ${message.message}`));
        });
      });
      worker.removeAllListeners('exit');
      worker.removeAllListeners('error');
      worker.on('error', () => undefined);
      worker.on('message', (message: FromCountingProxies) => {
        if (message.type === 'crash-caller') crashCaller(message.callerId);
      });
      return new CountingProxies(worker, counts, endpoints);
    } catch (error) {
      await worker.terminate();
      throw error;
    }
  }

  requestCounts(): Record<string, number> {
    return this.counts.requestCounts();
  }

  billed(): BilledUsage {
    return this.counts.billedUsage();
  }

  /** Closes the proxies (their connections included), then ends the thread. */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, STOP_GRACE_MS);
      this.worker.on('message', (message: FromCountingProxies) => {
        if (message.type !== 'stopped') return;
        clearTimeout(timer);
        resolve();
      });
      this.worker.postMessage({ type: 'stop' });
    });
    await this.worker.terminate();
  }
}
