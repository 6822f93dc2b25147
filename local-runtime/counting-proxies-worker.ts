// The counting proxies' own thread: proxying every SDK call of the functions must not wait behind
// the HTTP front and the environments' IPC on the runtime's event loop. Bundled to plain JS at start.
import { parentPort, workerData } from 'node:worker_threads';
import type { FaultConfig } from './faults/fault-config';
import { DynamoDbWireFaults } from './faults/dynamodb-wire-faults';
import { RequestCounter, type WireFaultHooks } from './request-counter';
import { derivedRandom } from './seeded-random';
import { SharedCounts, type SharedCountsBuffers } from './shared-counts';

export interface CountingProxiesWorkerData {
  readonly targets: Readonly<Record<string, string>>;
  readonly buffers: SharedCountsBuffers;
  /** Faults to inject into the DynamoDB calls; none when absent. */
  readonly dynamoDbFaults?: FaultConfig;
  readonly seed: number;
}

export type FromCountingProxies =
  | { readonly type: 'ready'; readonly endpoints: Readonly<Record<string, string>> }
  | { readonly type: 'crash-caller'; readonly callerId: string }
  | { readonly type: 'stopped' }
  | { readonly type: 'failed'; readonly message: string };

const { targets, buffers, dynamoDbFaults, seed } = workerData as CountingProxiesWorkerData;
const counts = new SharedCounts(buffers);
const port = parentPort;
if (!port) throw new Error('counting-proxies-worker runs as a worker thread only');

const main = async () => {
  const counters = new Map<string, RequestCounter>();
  const faultHooksFor = (service: string): WireFaultHooks | undefined =>
    service === 'dynamodb' && dynamoDbFaults
      ? {
          faults: new DynamoDbWireFaults(
            dynamoDbFaults,
            {
              throttle: derivedRandom(seed, 'dynamodb-throttle'),
              unprocessed: derivedRandom(seed, 'dynamodb-unprocessed'),
              crash: derivedRandom(seed, 'dynamodb-crash'),
            },
            (key) => counts.count(key),
          ),
          crashCaller: (callerId) => port.postMessage({ type: 'crash-caller', callerId } satisfies FromCountingProxies),
        }
      : undefined;
  for (const [service, target] of Object.entries(targets)) {
    counters.set(service, await RequestCounter.start(service, new URL(target), counts, faultHooksFor(service)));
  }
  port.on('message', (message: { type: 'stop' }) => {
    if (message.type !== 'stop') return;
    void Promise.all([...counters.values()].map((counter) => counter.stop())).then(() =>
      port.postMessage({ type: 'stopped' } satisfies FromCountingProxies),
    );
  });
  port.postMessage({
    type: 'ready',
    endpoints: Object.fromEntries([...counters].map(([service, counter]) => [service, counter.endpoint])),
  } satisfies FromCountingProxies);
};

main().catch((error: Error) => port.postMessage({ type: 'failed', message: error.message } satisfies FromCountingProxies));
