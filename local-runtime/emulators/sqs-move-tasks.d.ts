// Types of sqs-move-tasks.js (plain CommonJS: the SQS emulator's process loads it without a build step).

export interface MoveTaskQueue {
  readonly arn: string;
  readonly url: string;
}

/** What the move tasks need of the emulator's queues. */
export interface MoveTaskQueues<Queue extends MoveTaskQueue, Message> {
  byArn(arn: string): Queue | undefined;
  byUrl(url: string): Queue | undefined;
  /** The queues whose RedrivePolicy names this ARN as their dead-letter queue. */
  deadLetterSourcesOf(arn: string): Queue[];
  /** Messages that a receive could return now (neither in flight nor delayed). */
  visibleCount(queue: Queue): number;
  /** The next message a receive would return, left where it is. */
  nextVisible(queue: Queue): Message | undefined;
  /** The queue SQS moved this message to its DLQ from (DeadLetterQueueSourceArn), if it did. */
  deadLetterSourceArnOf(message: Message): string | undefined;
  /** Takes the message out of `from` and queues it in `to` as a new message. */
  move(message: Message, from: Queue, to: Queue): void;
}

/** Makes the error an SQS endpoint answers with (code as in the API reference, HTTP status 400 unless given). */
export type FailWith = (code: string, message: string, statusCode?: number) => Error;

export interface MessageMoveTasksOptions<Queue extends MoveTaskQueue, Message> {
  readonly queues: MoveTaskQueues<Queue, Message>;
  readonly fail: FailWith;
  readonly newId: () => string;
  readonly now?: () => number;
  /** Runs `run` after `ms`; returns a function that cancels it. */
  readonly schedule?: (run: () => void, ms: number) => () => void;
}

export interface MoveTaskEntry {
  readonly TaskHandle?: string;
  readonly Status: 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';
  readonly SourceArn: string;
  readonly DestinationArn?: string;
  readonly MaxNumberOfMessagesPerSecond?: number;
  readonly ApproximateNumberOfMessagesMoved: number;
  readonly ApproximateNumberOfMessagesToMove: number;
  readonly FailureReason?: string;
  readonly StartedTimestamp: number;
}

export declare class MessageMoveTasks<Queue extends MoveTaskQueue, Message> {
  constructor(options: MessageMoveTasksOptions<Queue, Message>);
  start(request: Record<string, unknown>): { TaskHandle: string };
  list(request: Record<string, unknown>): { Results: MoveTaskEntry[] };
  cancel(request: Record<string, unknown>): { ApproximateNumberOfMessagesMoved: number };
  stop(): void;
}

export declare const encodeTaskHandle: (taskId: string, sourceArn: string) => string;
export declare const decodeTaskHandle: (handle: string) => { taskId: string; sourceArn: string } | undefined;

export declare const listDeadLetterSourceQueues: <Queue extends MoveTaskQueue>(
  context: {
    readonly queues: Pick<MoveTaskQueues<Queue, unknown>, 'byUrl' | 'deadLetterSourcesOf'>;
    readonly fail: FailWith;
    readonly queueDoesNotExist: () => Error;
  },
  request: Record<string, unknown>,
) => { queueUrls: string[]; NextToken?: string };
