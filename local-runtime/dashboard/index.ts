import type { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { viewDeadLetter } from '../../ops/dlq/dead-letter-view';
import { linesMentioning, traceOrder } from '../../ops/trace/trace-order';
import { DynamoDbOrderReader } from '../../shared-layer/src/tooling';
import { type CfnTemplate, resourcesOfType } from '../cloud-assembly';
import type { LocalResource } from '../intrinsics';
import type { RuntimeEvents } from '../runtime-events';
import { shortId } from '../running-stack';
import { type AlarmStatus, AlarmEvaluator } from './alarm-evaluator';
import { type DashboardSnapshot, buildSnapshot } from './dashboard-snapshot';
import { type DashboardServer, startDashboardServer } from './dashboard-server';
import { FailureFeed } from './failure-feed';
import { FunctionLogTail } from './function-log-tail';
import { MetricCollector } from './metric-collector';
import { MetricStore } from './metric-store';
import { QueueSampler, inspectQueue, queuesOf } from './queue-sampler';

export interface DashboardOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly stackName: string;
  /** The template running now (watch mode may change it): its alarms, queues and functions. */
  readonly template: () => CfnTemplate;
  readonly resources: () => ReadonlyMap<string, LocalResource>;
  /** The runtime's own clients, straight to the emulators: the dashboard's calls are not billed to the run. */
  readonly sqs: SQSClient;
  readonly sqsEndpoint: string;
  readonly dynamodb: DynamoDBClient;
  readonly ordersTableName: () => string | undefined;
  readonly logDir: string;
  readonly events: EventEmitter<RuntimeEvents>;
  readonly requestCounts: () => Readonly<Record<string, number>>;
  readonly log: (line: string) => void;
}

export interface LocalDashboard {
  readonly url: string;
  stop(): Promise<void>;
}

const SAMPLE_EVERY_MS = 1_000;
/** Kept at least this long for sparklines; alarms with longer windows extend it. */
const RETENTION_MS = 5 * 60_000;
const FAILURE_LEVELS = ['"level":"WARN"', '"level":"ERROR"', '"level":"CRITICAL"'];

/**
 * The live local dashboard: samples the pipeline once a second, evaluates the template's alarms on what it
 * measured, and serves a page that shows both, the latest failures and an order search (docs/local-runtime.md,
 * "Live dashboard").
 */
export const startDashboard = async (options: DashboardOptions): Promise<LocalDashboard> => {
  const store = new MetricStore(RETENTION_MS);
  const feed = new FailureFeed();
  const collector = new MetricCollector(store, feed, options.stackName);
  const onTransition = (status: AlarmStatus, from: string) => {
    if (status.state === 'ALARM' || from === 'ALARM')
      options.log(`alarm ${shortId(status.name)}: ${from} → ${status.state} (${status.reason})`);
  };
  const evaluator = new AlarmEvaluator(store, onTransition);
  const sampler = new QueueSampler(options.sqs, options.sqsEndpoint, store, (queue, messages) => {
    for (const message of messages) {
      const view = viewDeadLetter(message);
      feed.add({
        at: view.firstSentAt.getTime(),
        where: shortId(queue.logicalId),
        what: `dead-lettered${view.orderId ? ` order ${view.orderId}` : ''}`,
        reason: `${view.reason}${view.errorMessage ? `: ${view.errorMessage}` : ''}`,
        orderId: view.orderId,
        messageId: view.sourceMessageId,
      });
    }
  });
  const tails = new Map<string, FunctionLogTail>();
  const functionLogs = (template: CfnTemplate) =>
    new Map(resourcesOfType(template, 'AWS::Lambda::Function').map(([id]) => [id, path.join(options.logDir, `${id}.log`)]));
  const documents = DynamoDBDocumentClient.from(options.dynamodb);
  const page = readFileSync(path.join(__dirname, 'dashboard-page.html'), 'utf8');

  const readFailureLogs = (template: CfnTemplate) => {
    for (const [functionId, file] of functionLogs(template)) {
      let tail = tails.get(functionId);
      if (!tail) {
        tail = new FunctionLogTail(file);
        tails.set(functionId, tail);
      }
      for (const record of tail.readNew((line) => FAILURE_LEVELS.some((level) => line.includes(level)))) {
        feed.add({
          at: record.timestamp ? Date.parse(record.timestamp) : Date.now(),
          where: shortId(functionId),
          what: record.message ?? `${record.level} log line`,
          reason: record.error ? `${record.error.name}: ${record.error.message}` : '',
          orderId: record.orderId,
          messageId: record.messageId,
        });
      }
    }
  };

  let latest: DashboardSnapshot | undefined;
  const sampleOnce = async () => {
    const now = Date.now();
    const template = options.template();
    evaluator.setTemplate(template);
    const queues = queuesOf(template, options.resources());
    await sampler.sample(queues, now);
    collector.sampleCounters(options.requestCounts(), now);
    readFailureLogs(template);
    const alarms = evaluator.evaluate(now);
    store.prune(now);
    latest = buildSnapshot(
      {
        stackName: options.stackName,
        template,
        store,
        queues,
        queuesUnavailable: sampler.unavailable,
        alarms,
        failures: feed.latest(),
      },
      now,
    );
  };

  // The search box runs `npm run trace` on the runtime's own logs, table and DLQ (read by inspection, never received).
  const journey = (orderId: string) => {
    const template = options.template();
    const tableName = options.ordersTableName();
    return traceOrder(orderId, {
      where: 'the local pipeline',
      searched: 'the function logs',
      logLines: (id) => linesMentioning(functionLogs(template).values(), id),
      storedOrder: async (id) => (tableName ? new DynamoDbOrderReader(documents, tableName).find(id) : undefined),
      deadLetters: async (id) => {
        const deadLetterQueues = queuesOf(template, options.resources()).filter((queue) => queue.isDeadLetterQueue);
        const inspected = await Promise.all(deadLetterQueues.map((queue) => inspectQueue(options.sqsEndpoint, queue.name)));
        return inspected
          .flat()
          .map(({ message }) => viewDeadLetter(message))
          .filter((letter) => letter.orderId === id);
      },
      close: () => undefined,
    });
  };

  const detach = collector.attach(options.events);
  let server: DashboardServer;
  try {
    // The first sample before the first page: a page that connects gets data at once.
    await sampleOnce();
    server = await startDashboardServer({
      port: options.port,
      log: options.log,
      routes: { page: () => page, snapshot: () => latest, journey },
    });
  } catch (error) {
    detach();
    throw error;
  }

  let sampling: Promise<void> | undefined;
  let failuresInARow = 0;
  const tick = async () => {
    try {
      await sampleOnce();
      failuresInARow = 0;
      server.broadcast('snapshot', latest);
    } catch (error) {
      // Said once, not every second: the next samples may well work (an emulator restarting).
      failuresInARow += 1;
      if (failuresInARow === 1) options.log(`dashboard: sampling failed (${(error as Error).message}); retrying every second`);
    }
  };
  // A sample slower than a second (a deep queue, a restarting emulator) is not overlapped: the next tick is skipped.
  const timer = setInterval(() => {
    sampling ??= tick().finally(() => {
      sampling = undefined;
    });
  }, SAMPLE_EVERY_MS);
  timer.unref();

  return {
    url: server.url,
    stop: async () => {
      clearInterval(timer);
      await sampling;
      detach();
      await server.stop();
    },
  };
};
