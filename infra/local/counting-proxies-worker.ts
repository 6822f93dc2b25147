// The counting proxies' own thread: proxying every SDK call of the functions must not wait behind
// the HTTP front and the environments' IPC on the runtime's event loop. Bundled to plain JS at start.
import { parentPort, workerData } from 'node:worker_threads';
import { RequestCounter } from './request-counter';
import { SharedCounts, SharedCountsBuffers } from './shared-counts';

export interface CountingProxiesWorkerData {
  readonly targets: Readonly<Record<string, string>>;
  readonly buffers: SharedCountsBuffers;
}

export type FromCountingProxies =
  | { readonly type: 'ready'; readonly endpoints: Readonly<Record<string, string>> }
  | { readonly type: 'stopped' }
  | { readonly type: 'failed'; readonly message: string };

const { targets, buffers } = workerData as CountingProxiesWorkerData;
const counts = new SharedCounts(buffers);
const port = parentPort;
if (!port) throw new Error('counting-proxies-worker runs as a worker thread only');

const main = async () => {
  const counters = new Map<string, RequestCounter>();
  for (const [service, target] of Object.entries(targets)) counters.set(service, await RequestCounter.start(service, new URL(target), counts));
  port.on('message', (message: { type: 'stop' }) => {
    if (message.type !== 'stop') return;
    void Promise.all([...counters.values()].map((counter) => counter.stop())).then(() => port.postMessage({ type: 'stopped' } satisfies FromCountingProxies));
  });
  port.postMessage({ type: 'ready', endpoints: Object.fromEntries([...counters].map(([service, counter]) => [service, counter.endpoint])) } satisfies FromCountingProxies);
};

main().catch((error: Error) => port.postMessage({ type: 'failed', message: error.message } satisfies FromCountingProxies));
