// SQS's DLQ redrive (StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask) and
// ListDeadLetterSourceQueues, which fauxqs 2.4.1 answers with "Unknown action". Semantics from the SQS API reference;
// error codes and messages as AWS gives them (the reference names the codes only; the messages are those the
// AWS-checked emulators moto and LocalStack reproduce). The queues themselves are reached through an adapter
// (sqs-extensions.mjs), so this file holds the rules and nothing of fauxqs's internals.

const MAX_RATE = 500;
const MAX_LISTED_TASKS = 10;
const MAX_SOURCE_QUEUES = 1000;
/** Without MaxNumberOfMessagesPerSecond AWS picks the pace; locally a task moves this many per turn of the event loop. */
const UNTHROTTLED_MOVES_PER_TICK = 100;
/** With a rate, a task wakes this often and moves what the rate allows by then. */
const RATE_TICK_MS = 50;
const ACTIVE = new Set(['RUNNING', 'CANCELLING']);

const SOURCE_NOT_FOUND = "The resource that you specified for the SourceArn parameter doesn't exist.";
const DESTINATION_NOT_FOUND = "The resource that you specified for the DestinationArn parameter doesn't exist.";
// FailureReason values AWS reports: no source queue to send a message back to, and a queue that went away.
const NO_MESSAGE_SOURCE = 'CouldNotDetermineMessageSource';
const QUEUE_GONE = 'AWS.SimpleQueueService.NonExistentQueue';

/** AWS's task handle: base64 of {"taskId","sourceArn"}, which is how CancelMessageMoveTask finds the task. */
const encodeTaskHandle = (taskId, sourceArn) => Buffer.from(JSON.stringify({ taskId, sourceArn })).toString('base64');

const decodeTaskHandle = (handle) => {
  try {
    const { taskId, sourceArn } = JSON.parse(Buffer.from(String(handle), 'base64').toString('utf8'));
    return typeof taskId === 'string' && typeof sourceArn === 'string' ? { taskId, sourceArn } : undefined;
  } catch {
    return undefined;
  }
};

/** A timer that does not keep the emulator's process alive by itself. */
const runLater = (run, ms) => {
  const timer = setTimeout(run, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

const isMissing = (value) => value === undefined || value === null || value === '';

/**
 * The move tasks of one SQS endpoint. `queues` reaches the emulator's queues (see sqs-move-tasks.d.ts); `fail`
 * makes the error the endpoint answers with; `now` and `schedule` (run later, returns a cancel function) are the
 * clock and the timer, which tests replace.
 */
class MessageMoveTasks {
  constructor({ queues, fail, newId, now = Date.now, schedule = runLater }) {
    this.queues = queues;
    this.fail = fail;
    this.newId = newId;
    this.now = now;
    this.schedule = schedule;
    /** Tasks by source queue ARN, oldest first. */
    this.tasks = new Map();
  }

  start(request) {
    const sourceArn = request?.SourceArn;
    if (isMissing(sourceArn)) throw this.fail('MissingParameter', 'The request must contain the parameter SourceArn.');
    const source = this.queues.byArn(sourceArn);
    if (!source) throw this.fail('ResourceNotFoundException', SOURCE_NOT_FOUND, 404);
    if (this.queues.deadLetterSourcesOf(sourceArn).length === 0) {
      throw this.fail('InvalidParameterValue', 'Source queue must be configured as a Dead Letter Queue.');
    }
    const destinationArn = isMissing(request.DestinationArn) ? undefined : request.DestinationArn;
    if (destinationArn !== undefined && !this.queues.byArn(destinationArn)) {
      throw this.fail('ResourceNotFoundException', DESTINATION_NOT_FOUND, 404);
    }
    const rate = request.MaxNumberOfMessagesPerSecond;
    if (!isMissing(rate) && !(Number.isInteger(rate) && rate >= 1 && rate <= MAX_RATE)) {
      throw this.fail(
        'InvalidParameterValue',
        `Value ${rate} for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be between 1 and ${MAX_RATE}.`,
      );
    }
    const history = this.tasks.get(sourceArn) ?? [];
    if (history.some((task) => ACTIVE.has(task.status))) {
      throw this.fail(
        'InvalidParameterValue',
        'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
      );
    }
    const taskId = this.newId();
    const task = {
      taskId,
      handle: encodeTaskHandle(taskId, sourceArn),
      sourceArn,
      destinationArn,
      rate: isMissing(rate) ? undefined : rate,
      status: 'RUNNING',
      moved: 0,
      // "Obtained at the time of starting the message movement task": what is visible in the DLQ then.
      toMove: this.queues.visibleCount(source),
      startedAt: this.now(),
      failureReason: undefined,
      timer: undefined,
    };
    history.push(task);
    // ListMessageMoveTasks shows at most the 10 most recent; older finished tasks are of no further use.
    while (history.length > MAX_LISTED_TASKS && !ACTIVE.has(history[0].status)) history.shift();
    this.tasks.set(sourceArn, history);
    this.wake(task, 0);
    return { TaskHandle: task.handle };
  }

  list(request) {
    const sourceArn = request?.SourceArn;
    if (isMissing(sourceArn)) throw this.fail('MissingParameter', 'The request must contain the parameter SourceArn.');
    if (!this.queues.byArn(sourceArn)) throw this.fail('ResourceNotFoundException', SOURCE_NOT_FOUND, 404);
    const maxResults = isMissing(request.MaxResults) ? 1 : request.MaxResults;
    if (!(Number.isInteger(maxResults) && maxResults >= 1 && maxResults <= MAX_LISTED_TASKS)) {
      throw this.fail(
        'InvalidParameterValue',
        `Value ${maxResults} for parameter MaxResults is invalid. Reason: Must be between 1 and ${MAX_LISTED_TASKS}.`,
      );
    }
    const newestFirst = [...(this.tasks.get(sourceArn) ?? [])].reverse().slice(0, maxResults);
    return { Results: newestFirst.map(describeTask) };
  }

  cancel(request) {
    if (isMissing(request?.TaskHandle)) throw this.fail('MissingParameter', 'The request must contain the parameter TaskHandle.');
    const handle = decodeTaskHandle(request.TaskHandle);
    if (!handle) throw this.fail('InvalidParameterValue', 'Value for parameter TaskHandle is invalid.');
    if (!this.queues.byArn(handle.sourceArn)) throw this.fail('ResourceNotFoundException', SOURCE_NOT_FOUND, 404);
    // "A message movement can only be cancelled when the current status is RUNNING."
    const task = (this.tasks.get(handle.sourceArn) ?? []).find((candidate) => candidate.taskId === handle.taskId);
    if (task?.status !== 'RUNNING') throw this.fail('ResourceNotFoundException', 'Task does not exist.', 404);
    // Nothing more moves from here; what moved stays moved. CANCELLING lasts until the task's next turn.
    task.status = 'CANCELLING';
    this.wake(task, 0);
    return { ApproximateNumberOfMessagesMoved: task.moved };
  }

  /** Stops every task's timer (the emulator is stopping). */
  stop() {
    for (const history of this.tasks.values()) for (const task of history) this.sleep(task);
  }

  sleep(task) {
    task.timer?.();
    task.timer = undefined;
  }

  wake(task, delayMs) {
    this.sleep(task);
    task.timer = this.schedule(() => {
      task.timer = undefined;
      this.step(task);
    }, delayMs);
  }

  step(task) {
    if (task.status === 'CANCELLING') {
      task.status = 'CANCELLED';
      return;
    }
    if (task.status !== 'RUNNING') return;
    // With a rate, the first message moves at once and one more each 1/rate s after: never ahead of the rate.
    const allowed = task.rate
      ? Math.min(UNTHROTTLED_MOVES_PER_TICK, Math.floor(((this.now() - task.startedAt) / 1000) * task.rate) + 1 - task.moved)
      : UNTHROTTLED_MOVES_PER_TICK;
    for (let moves = 0; moves < allowed && task.status === 'RUNNING'; moves += 1) this.moveOne(task);
    if (task.status === 'RUNNING') this.wake(task, task.rate ? RATE_TICK_MS : 0);
  }

  moveOne(task) {
    const source = this.queues.byArn(task.sourceArn);
    if (!source) return this.end(task, 'FAILED', QUEUE_GONE);
    if (task.moved >= task.toMove) return this.end(task, 'COMPLETED');
    const message = this.queues.nextVisible(source);
    if (!message) return this.end(task, 'COMPLETED');
    // Without a DestinationArn each message goes back to the queue SQS dead-lettered it from.
    const destinationArn = task.destinationArn ?? this.queues.deadLetterSourceArnOf(message);
    if (!destinationArn) return this.end(task, 'FAILED', NO_MESSAGE_SOURCE);
    const destination = this.queues.byArn(destinationArn);
    if (!destination) return this.end(task, 'FAILED', QUEUE_GONE);
    this.queues.move(message, source, destination);
    task.moved += 1;
    if (task.moved >= task.toMove) this.end(task, 'COMPLETED');
  }

  end(task, status, failureReason) {
    task.status = status;
    task.failureReason = failureReason;
  }
}

/** A task as ListMessageMoveTasks shows it: optional fields only when they apply, as AWS does. */
const describeTask = (task) => ({
  ...(task.status === 'RUNNING' ? { TaskHandle: task.handle } : {}),
  Status: task.status,
  SourceArn: task.sourceArn,
  ...(task.destinationArn !== undefined ? { DestinationArn: task.destinationArn } : {}),
  ...(task.rate !== undefined ? { MaxNumberOfMessagesPerSecond: task.rate } : {}),
  ApproximateNumberOfMessagesMoved: task.moved,
  ApproximateNumberOfMessagesToMove: task.toMove,
  ...(task.status === 'FAILED' ? { FailureReason: task.failureReason } : {}),
  StartedTimestamp: task.startedAt,
});

/**
 * ListDeadLetterSourceQueues: the queues whose RedrivePolicy names this one, by URL. Without MaxResults up to
 * 1,000 and no NextToken; with it, pages and a NextToken while more remain.
 */
const listDeadLetterSourceQueues = ({ queues, fail, queueDoesNotExist }, request) => {
  if (isMissing(request?.QueueUrl)) throw fail('MissingParameter', 'The request must contain the parameter QueueUrl.');
  const deadLetterQueue = queues.byUrl(request.QueueUrl);
  if (!deadLetterQueue) throw queueDoesNotExist();
  const { MaxResults: maxResults, NextToken: nextToken } = request;
  if (!isMissing(maxResults) && !(Number.isInteger(maxResults) && maxResults >= 1 && maxResults <= MAX_SOURCE_QUEUES)) {
    throw fail(
      'InvalidParameterValue',
      `Value ${maxResults} for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and ${MAX_SOURCE_QUEUES}.`,
    );
  }
  const urls = queues
    .deadLetterSourcesOf(deadLetterQueue.arn)
    .map((queue) => queue.url)
    .sort();
  let from = 0;
  if (!isMissing(nextToken)) {
    const after = Buffer.from(String(nextToken), 'base64').toString('utf8');
    if (!after) throw fail('InvalidParameterValue', 'Invalid NextToken value.');
    from = urls.findIndex((url) => url > after);
    if (from === -1) from = urls.length;
  }
  const page = urls.slice(from, from + (isMissing(maxResults) ? MAX_SOURCE_QUEUES : maxResults));
  const more = !isMissing(maxResults) && from + page.length < urls.length;
  return { queueUrls: page, ...(more ? { NextToken: Buffer.from(page[page.length - 1]).toString('base64') } : {}) };
};

module.exports = { MessageMoveTasks, decodeTaskHandle, encodeTaskHandle, listDeadLetterSourceQueues };
