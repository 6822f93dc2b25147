import { setTimeout as sleep } from 'node:timers/promises';
import {
  CancelMessageMoveTaskCommand,
  ListMessageMoveTasksCommand,
  type ListMessageMoveTasksResultEntry,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { OpsError } from '../cli-kit/ops-error';

export interface MoveTaskProgress {
  readonly status: string;
  readonly moved: number;
  /** SQS's estimate of how many messages the task will move. */
  readonly total: number;
}

export interface MoveTaskOptions {
  readonly sqs: SQSClient;
  readonly deadLetterQueueArn: string;
  readonly queueArn: string;
  readonly ratePerSecond?: number;
  /** Cancels the task once SQS reports this many moved (it may have moved a few more by then). */
  readonly maxMoves?: number;
  /** Cancels the task (CancelMessageMoveTask); messages already moved stay moved. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: MoveTaskProgress) => void;
  readonly pollIntervalMs?: number;
}

export interface MoveTaskResult extends MoveTaskProgress {
  readonly failureReason?: string;
}

const FINAL_STATUSES = new Set(['COMPLETED', 'CANCELLED', 'FAILED']);

/** Resolves after `ms`, or at once when `signal` aborts. */
const sleepUnlessAborted = (ms: number, signal?: AbortSignal): Promise<void> => sleep(ms, undefined, { signal }).catch(() => undefined);

const progressOf = (task: ListMessageMoveTasksResultEntry): MoveTaskResult => ({
  status: task.Status ?? 'UNKNOWN',
  moved: task.ApproximateNumberOfMessagesMoved ?? 0,
  total: task.ApproximateNumberOfMessagesToMove ?? 0,
  failureReason: task.FailureReason,
});

/**
 * SQS's own redrive: StartMessageMoveTask from the DLQ to the source queue, polled with
 * ListMessageMoveTasks until it ends. SQS moves each message atomically, so nothing is lost or
 * copied twice, whatever happens to this process.
 */
export const runMoveTask = async (options: MoveTaskOptions): Promise<MoveTaskResult> => {
  const { sqs, deadLetterQueueArn } = options;
  let taskHandle: string | undefined;
  try {
    ({ TaskHandle: taskHandle } = await sqs.send(
      new StartMessageMoveTaskCommand({
        SourceArn: deadLetterQueueArn,
        DestinationArn: options.queueArn,
        MaxNumberOfMessagesPerSecond: options.ratePerSecond,
      }),
    ));
  } catch (error) {
    if (error instanceof Error && /already.*(running|active)|exist/i.test(error.message)) {
      throw new OpsError(
        `A move task is already running on this DLQ: wait for it, or cancel it in the SQS console ("Stop DLQ redrive"). (${error.message})`,
      );
    }
    throw error;
  }
  let cancelled = false;
  let reachedMax = false;
  for (;;) {
    if ((options.signal?.aborted || reachedMax) && !cancelled && taskHandle) {
      await sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: taskHandle }));
      cancelled = true;
    }
    const { Results = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: deadLetterQueueArn, MaxResults: 1 }));
    const task = Results.find((result) => result.TaskHandle === taskHandle) ?? Results[0];
    if (task) {
      const progress = progressOf(task);
      options.onProgress?.(progress);
      if (FINAL_STATUSES.has(progress.status)) return progress;
      if (options.maxMoves !== undefined && progress.moved >= options.maxMoves && !cancelled) {
        reachedMax = true;
        continue;
      }
    }
    await sleepUnlessAborted(options.pollIntervalMs ?? 2_000, cancelled ? undefined : options.signal);
  }
};
