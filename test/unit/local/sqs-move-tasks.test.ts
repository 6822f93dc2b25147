import {
  type FailWith,
  MessageMoveTasks,
  type MoveTaskQueues,
  decodeTaskHandle,
  listDeadLetterSourceQueues,
} from '../../../local-runtime/emulators/sqs-move-tasks';

interface FakeMessage {
  readonly body: string;
  /** DeadLetterQueueSourceArn: set when "SQS" dead-lettered it. */
  readonly from?: string;
}

interface FakeQueue {
  readonly arn: string;
  readonly url: string;
  readonly deadLetterTargetArn?: string;
  readonly messages: FakeMessage[];
}

const arnOf = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;

/** Queues in memory, a clock that moves only when told and the timers on it: every step of a task is in the test's hands. */
class FakeSqs implements MoveTaskQueues<FakeQueue, FakeMessage> {
  readonly queues = new Map<string, FakeQueue>();
  now = 1_800_000_000_000;
  private timers: { at: number; run: () => void; cancelled: boolean }[] = [];

  queue(name: string, deadLetterQueue?: string): FakeQueue {
    const queue = {
      arn: arnOf(name),
      url: `http://127.0.0.1:4566/000000000000/${name}`,
      deadLetterTargetArn: deadLetterQueue && arnOf(deadLetterQueue),
      messages: [],
    };
    this.queues.set(queue.arn, queue);
    return queue;
  }

  bodies(queue: FakeQueue): string[] {
    return queue.messages.map((message) => message.body);
  }

  byArn = (arn: string) => this.queues.get(arn);
  byUrl = (url: string) => [...this.queues.values()].find((queue) => queue.url === url);
  deadLetterSourcesOf = (arn: string) => [...this.queues.values()].filter((queue) => queue.deadLetterTargetArn === arn);
  visibleCount = (queue: FakeQueue) => queue.messages.length;
  nextVisible = (queue: FakeQueue) => queue.messages[0];
  deadLetterSourceArnOf = (message: FakeMessage) => message.from;
  move = (message: FakeMessage, from: FakeQueue, to: FakeQueue) => {
    from.messages.splice(from.messages.indexOf(message), 1);
    to.messages.push({ body: message.body });
  };

  schedule = (run: () => void, ms: number) => {
    const timer = { at: this.now + ms, run, cancelled: false };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  };

  /** Moves the clock on by `ms`, running every timer that falls due on the way (those they set included). */
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = this.timers.filter((timer) => !timer.cancelled && timer.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers.splice(this.timers.indexOf(due), 1);
      this.now = Math.max(this.now, due.at);
      due.run();
    }
    this.now = until;
  }
}

class FakeSqsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
  }
}

const fail: FailWith = (code, message, statusCode = 400) => new FakeSqsError(code, message, statusCode);

const thrownBy = (act: () => unknown): FakeSqsError => {
  try {
    act();
  } catch (error) {
    return error as FakeSqsError;
  }
  throw new Error('expected an SQS error');
};

describe('MessageMoveTasks', () => {
  let sqs: FakeSqs;
  let tasks: MessageMoveTasks<FakeQueue, FakeMessage>;
  let ids: number;
  let orders: FakeQueue;
  let dlq: FakeQueue;

  /** n messages in the DLQ, dead-lettered from `from` ("SQS" moved them after maxReceiveCount). */
  const deadLetter = (n: number, from: FakeQueue = orders, prefix = 'm') => {
    for (let index = 0; index < n; index += 1) dlq.messages.push({ body: `${prefix}${index}`, from: from.arn });
  };

  beforeEach(() => {
    sqs = new FakeSqs();
    ids = 0;
    tasks = new MessageMoveTasks({ queues: sqs, fail, newId: () => `task-${++ids}`, now: () => sqs.now, schedule: sqs.schedule });
    dlq = sqs.queue('orders-dlq');
    orders = sqs.queue('orders', 'orders-dlq');
  });

  it('moves each message back to the queue it was dead-lettered from when no DestinationArn is given', () => {
    const refunds = sqs.queue('refunds', 'orders-dlq');
    deadLetter(2, orders, 'order-');
    deadLetter(1, refunds, 'refund-');

    const { TaskHandle } = tasks.start({ SourceArn: dlq.arn });
    sqs.advance(0);

    expect(sqs.bodies(orders)).toEqual(['order-0', 'order-1']);
    expect(sqs.bodies(refunds)).toEqual(['refund-0']);
    expect(dlq.messages).toEqual([]);
    expect(decodeTaskHandle(TaskHandle)).toEqual({ taskId: 'task-1', sourceArn: dlq.arn });
    // Finished tasks have no handle; DestinationArn and the rate only when they were given; FailureReason only on FAILED.
    expect(tasks.list({ SourceArn: dlq.arn }).Results).toEqual([
      {
        Status: 'COMPLETED',
        SourceArn: dlq.arn,
        ApproximateNumberOfMessagesMoved: 3,
        ApproximateNumberOfMessagesToMove: 3,
        StartedTimestamp: sqs.now,
      },
    ]);
  });

  it('moves every message to the DestinationArn when one is given, whatever queue it came from', () => {
    const elsewhere = sqs.queue('elsewhere');
    deadLetter(2);
    dlq.messages.push({ body: 'sent straight to the DLQ' });

    tasks.start({ SourceArn: dlq.arn, DestinationArn: elsewhere.arn });
    sqs.advance(0);

    expect(sqs.bodies(elsewhere)).toEqual(['m0', 'm1', 'sent straight to the DLQ']);
    expect(tasks.list({ SourceArn: dlq.arn }).Results[0]).toMatchObject({ Status: 'COMPLETED', DestinationArn: elsewhere.arn });
  });

  it('never moves faster than MaxNumberOfMessagesPerSecond: one at once, then one more every 1/rate seconds', () => {
    deadLetter(10);

    const { TaskHandle } = tasks.start({ SourceArn: dlq.arn, MaxNumberOfMessagesPerSecond: 2 });
    sqs.advance(0);
    expect(orders.messages).toHaveLength(1);
    sqs.advance(999);
    expect(orders.messages).toHaveLength(2);
    sqs.advance(1);
    expect(orders.messages).toHaveLength(3);
    expect(tasks.list({ SourceArn: dlq.arn }).Results).toEqual([
      {
        TaskHandle,
        Status: 'RUNNING',
        SourceArn: dlq.arn,
        MaxNumberOfMessagesPerSecond: 2,
        ApproximateNumberOfMessagesMoved: 3,
        ApproximateNumberOfMessagesToMove: 10,
        StartedTimestamp: sqs.now - 1_000,
      },
    ]);
    sqs.advance(3_500);
    expect(orders.messages).toHaveLength(10);
    expect(tasks.list({ SourceArn: dlq.arn }).Results[0].Status).toBe('COMPLETED');
  });

  it('moves at most the messages in the DLQ when it started: later arrivals wait for the next task', () => {
    deadLetter(3);
    tasks.start({ SourceArn: dlq.arn, MaxNumberOfMessagesPerSecond: 1 });
    sqs.advance(0);
    deadLetter(2, orders, 'late-');

    sqs.advance(10_000);

    expect(sqs.bodies(orders)).toEqual(['m0', 'm1', 'm2']);
    expect(sqs.bodies(dlq)).toEqual(['late-0', 'late-1']);
    expect(tasks.list({ SourceArn: dlq.arn }).Results[0]).toMatchObject({
      Status: 'COMPLETED',
      ApproximateNumberOfMessagesMoved: 3,
      ApproximateNumberOfMessagesToMove: 3,
    });
  });

  it('allows one active task per source queue, and a new one once it has ended', () => {
    deadLetter(3);
    tasks.start({ SourceArn: dlq.arn, MaxNumberOfMessagesPerSecond: 1 });

    expect(thrownBy(() => tasks.start({ SourceArn: dlq.arn }))).toMatchObject({
      code: 'InvalidParameterValue',
      message: 'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
    });
    sqs.advance(5_000);
    const { TaskHandle } = tasks.start({ SourceArn: dlq.arn });
    expect(decodeTaskHandle(TaskHandle)).toEqual({ taskId: 'task-2', sourceArn: dlq.arn });
  });

  it('cancels a running task: nothing more moves, what moved stays moved, CANCELLING then CANCELLED', () => {
    deadLetter(5);
    const { TaskHandle } = tasks.start({ SourceArn: dlq.arn, MaxNumberOfMessagesPerSecond: 1 });
    sqs.advance(1_000);

    expect(tasks.cancel({ TaskHandle })).toEqual({ ApproximateNumberOfMessagesMoved: 2 });
    expect(tasks.list({ SourceArn: dlq.arn }).Results[0]).toMatchObject({ Status: 'CANCELLING' });
    expect(tasks.list({ SourceArn: dlq.arn }).Results[0]).not.toHaveProperty('TaskHandle');
    // A cancelling task is still active.
    expect(thrownBy(() => tasks.start({ SourceArn: dlq.arn })).code).toBe('InvalidParameterValue');
    sqs.advance(10_000);

    expect(tasks.list({ SourceArn: dlq.arn }).Results[0]).toMatchObject({ Status: 'CANCELLED', ApproximateNumberOfMessagesMoved: 2 });
    expect(sqs.bodies(orders)).toEqual(['m0', 'm1']);
    expect(sqs.bodies(dlq)).toEqual(['m2', 'm3', 'm4']);
    // Only a RUNNING task can be cancelled.
    expect(thrownBy(() => tasks.cancel({ TaskHandle }))).toMatchObject({
      code: 'ResourceNotFoundException',
      message: 'Task does not exist.',
      statusCode: 404,
    });
  });

  it('fails with CouldNotDetermineMessageSource on a message SQS did not dead-letter, and leaves it in the DLQ', () => {
    deadLetter(1);
    dlq.messages.push({ body: 'sent straight to the DLQ' });
    deadLetter(1, orders, 'after-');

    tasks.start({ SourceArn: dlq.arn });
    sqs.advance(0);

    expect(tasks.list({ SourceArn: dlq.arn }).Results[0]).toMatchObject({
      Status: 'FAILED',
      FailureReason: 'CouldNotDetermineMessageSource',
      ApproximateNumberOfMessagesMoved: 1,
    });
    expect(sqs.bodies(dlq)).toEqual(['sent straight to the DLQ', 'after-0']);
  });

  it('fails with NonExistentQueue when its destination is deleted while it runs', () => {
    const elsewhere = sqs.queue('elsewhere');
    deadLetter(3);
    tasks.start({ SourceArn: dlq.arn, DestinationArn: elsewhere.arn, MaxNumberOfMessagesPerSecond: 1 });
    sqs.advance(0);
    sqs.queues.delete(elsewhere.arn);

    sqs.advance(5_000);

    expect(tasks.list({ SourceArn: dlq.arn }).Results[0]).toMatchObject({
      Status: 'FAILED',
      FailureReason: 'AWS.SimpleQueueService.NonExistentQueue',
      ApproximateNumberOfMessagesMoved: 1,
    });
    expect(dlq.messages).toHaveLength(2);
  });

  it('completes at once, having moved nothing, on an empty DLQ', () => {
    tasks.start({ SourceArn: dlq.arn });
    sqs.advance(0);

    expect(tasks.list({ SourceArn: dlq.arn }).Results[0]).toMatchObject({
      Status: 'COMPLETED',
      ApproximateNumberOfMessagesMoved: 0,
      ApproximateNumberOfMessagesToMove: 0,
    });
  });

  it('lists the most recent task by default and up to MaxResults, newest first', () => {
    for (const rate of [1, 2, 3]) {
      deadLetter(1);
      tasks.start({ SourceArn: dlq.arn, MaxNumberOfMessagesPerSecond: rate });
      sqs.advance(1_000);
    }

    expect(tasks.list({ SourceArn: dlq.arn }).Results.map((task) => task.MaxNumberOfMessagesPerSecond)).toEqual([3]);
    expect(tasks.list({ SourceArn: dlq.arn, MaxResults: 10 }).Results.map((task) => task.MaxNumberOfMessagesPerSecond)).toEqual([3, 2, 1]);
    expect(tasks.list({ SourceArn: orders.arn }).Results).toEqual([]);
  });

  it.each([
    ['no SourceArn', {}, 'MissingParameter', 'The request must contain the parameter SourceArn.', 400],
    [
      'a SourceArn no queue has',
      { SourceArn: arnOf('nope') },
      'ResourceNotFoundException',
      "The resource that you specified for the SourceArn parameter doesn't exist.",
      404,
    ],
    [
      'a source that is no queue’s DLQ',
      { SourceArn: arnOf('orders') },
      'InvalidParameterValue',
      'Source queue must be configured as a Dead Letter Queue.',
      400,
    ],
    [
      'a DestinationArn no queue has',
      { SourceArn: arnOf('orders-dlq'), DestinationArn: arnOf('nope') },
      'ResourceNotFoundException',
      "The resource that you specified for the DestinationArn parameter doesn't exist.",
      404,
    ],
    ...[0, 501, 1.5].map((rate) => [
      `MaxNumberOfMessagesPerSecond ${rate}`,
      { SourceArn: arnOf('orders-dlq'), MaxNumberOfMessagesPerSecond: rate },
      'InvalidParameterValue',
      `Value ${rate} for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be between 1 and 500.`,
      400,
    ]),
  ] as [string, Record<string, unknown>, string, string, number][])(
    'refuses to start with %s, as SQS does',
    (_, request, code, message, statusCode) => {
      expect(thrownBy(() => tasks.start(request))).toMatchObject({ code, message, statusCode });
      expect(tasks.list({ SourceArn: dlq.arn }).Results).toEqual([]);
    },
  );

  it('refuses to list an unknown source or a MaxResults outside 1..10', () => {
    expect(thrownBy(() => tasks.list({ SourceArn: arnOf('nope') }))).toMatchObject({ code: 'ResourceNotFoundException', statusCode: 404 });
    for (const maxResults of [0, 11]) {
      expect(thrownBy(() => tasks.list({ SourceArn: dlq.arn, MaxResults: maxResults }))).toMatchObject({
        code: 'InvalidParameterValue',
        message: `Value ${maxResults} for parameter MaxResults is invalid. Reason: Must be between 1 and 10.`,
      });
    }
  });

  it('refuses to cancel with a handle that is not one, or that names a queue that does not exist', () => {
    expect(thrownBy(() => tasks.cancel({ TaskHandle: 'foobared' }))).toMatchObject({
      code: 'InvalidParameterValue',
      message: 'Value for parameter TaskHandle is invalid.',
    });
    const handle = Buffer.from(JSON.stringify({ taskId: 'task-9', sourceArn: arnOf('nope') })).toString('base64');
    expect(thrownBy(() => tasks.cancel({ TaskHandle: handle }))).toMatchObject({ code: 'ResourceNotFoundException', statusCode: 404 });
  });
});

describe('listDeadLetterSourceQueues', () => {
  const sqs = new FakeSqs();
  const dlq = sqs.queue('dlq');
  for (const name of ['c', 'a', 'b']) sqs.queue(name, 'dlq');
  sqs.queue('unrelated');
  const context = { queues: sqs, fail, queueDoesNotExist: () => fail('QueueDoesNotExist', 'The specified queue does not exist.') };
  const urlOf = (name: string) => `http://127.0.0.1:4566/000000000000/${name}`;

  it('lists the queues whose redrive policy names the DLQ, and no NextToken without MaxResults', () => {
    expect(listDeadLetterSourceQueues(context, { QueueUrl: dlq.url })).toEqual({ queueUrls: ['a', 'b', 'c'].map(urlOf) });
    expect(listDeadLetterSourceQueues(context, { QueueUrl: urlOf('a') })).toEqual({ queueUrls: [] });
  });

  it('pages with MaxResults and NextToken', () => {
    const first = listDeadLetterSourceQueues(context, { QueueUrl: dlq.url, MaxResults: 2 });
    expect(first.queueUrls).toEqual(['a', 'b'].map(urlOf));
    const second = listDeadLetterSourceQueues(context, { QueueUrl: dlq.url, MaxResults: 2, NextToken: first.NextToken });
    expect(second).toEqual({ queueUrls: [urlOf('c')] });
  });

  it('answers QueueDoesNotExist for an unknown queue and refuses a MaxResults outside 1..1000', () => {
    expect(thrownBy(() => listDeadLetterSourceQueues(context, { QueueUrl: urlOf('nope') })).code).toBe('QueueDoesNotExist');
    expect(thrownBy(() => listDeadLetterSourceQueues(context, { QueueUrl: dlq.url, MaxResults: 1001 })).code).toBe('InvalidParameterValue');
  });
});
