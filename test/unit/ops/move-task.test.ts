import { CancelMessageMoveTaskCommand, ListMessageMoveTasksCommand, SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { type MoveTaskProgress, runMoveTask } from '../../../ops/dlq/move-task';

const sqs = mockClient(SQSClient);
const DLQ_ARN = 'arn:aws:sqs:us-east-1:123456789012:orders-dlq';
const QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:orders';

const task = (status: string, moved: number, total = 40) => ({
  Results: [
    {
      TaskHandle: 'task-1',
      Status: status,
      ApproximateNumberOfMessagesMoved: moved,
      ApproximateNumberOfMessagesToMove: total,
      SourceArn: DLQ_ARN,
    },
  ],
});

describe('runMoveTask (SQS StartMessageMoveTask)', () => {
  beforeEach(() => {
    sqs.reset();
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
  });

  it('starts a task from the DLQ to the source queue at the rate cap and reports progress until it completes', async () => {
    sqs.on(ListMessageMoveTasksCommand).resolvesOnce(task('RUNNING', 10)).resolvesOnce(task('RUNNING', 30)).resolves(task('COMPLETED', 40));
    const seen: MoveTaskProgress[] = [];

    const result = await runMoveTask({
      sqs: sqs as unknown as SQSClient,
      deadLetterQueueArn: DLQ_ARN,
      queueArn: QUEUE_ARN,
      ratePerSecond: 50,
      pollIntervalMs: 1,
      onProgress: (p) => seen.push(p),
    });

    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0].args[0].input).toEqual({
      SourceArn: DLQ_ARN,
      DestinationArn: QUEUE_ARN,
      MaxNumberOfMessagesPerSecond: 50,
    });
    expect(seen.map((p) => p.moved)).toEqual([10, 30, 40]);
    expect(result).toMatchObject({ status: 'COMPLETED', moved: 40, total: 40 });
  });

  it('cancels the task once SQS reports maxMoves moved', async () => {
    sqs.on(ListMessageMoveTasksCommand).resolvesOnce(task('RUNNING', 10)).resolvesOnce(task('RUNNING', 25)).resolves(task('CANCELLED', 26));
    sqs.on(CancelMessageMoveTaskCommand).resolves({ ApproximateNumberOfMessagesMoved: 26 });

    const result = await runMoveTask({
      sqs: sqs as unknown as SQSClient,
      deadLetterQueueArn: DLQ_ARN,
      queueArn: QUEUE_ARN,
      maxMoves: 20,
      pollIntervalMs: 1,
    });

    expect(sqs.commandCalls(CancelMessageMoveTaskCommand)).toHaveLength(1);
    expect(result).toMatchObject({ status: 'CANCELLED', moved: 26 });
  });

  it('cancels the task when interrupted and returns what SQS says was moved', async () => {
    const interrupt = new AbortController();
    sqs.on(ListMessageMoveTasksCommand).resolvesOnce(task('RUNNING', 5)).resolves(task('CANCELLED', 12));
    sqs.on(CancelMessageMoveTaskCommand).resolves({ ApproximateNumberOfMessagesMoved: 12 });

    const result = await runMoveTask({
      sqs: sqs as unknown as SQSClient,
      deadLetterQueueArn: DLQ_ARN,
      queueArn: QUEUE_ARN,
      signal: interrupt.signal,
      pollIntervalMs: 1,
      onProgress: () => interrupt.abort(),
    });

    expect(sqs.commandCalls(CancelMessageMoveTaskCommand)).toHaveLength(1);
    expect(sqs.commandCalls(CancelMessageMoveTaskCommand)[0].args[0].input).toEqual({ TaskHandle: 'task-1' });
    expect(result).toMatchObject({ status: 'CANCELLED', moved: 12 });
  });

  it('passes on the failure reason of a failed task', async () => {
    sqs.on(ListMessageMoveTasksCommand).resolves({
      Results: [{ TaskHandle: 'task-1', Status: 'FAILED', FailureReason: 'AccessDenied', ApproximateNumberOfMessagesMoved: 3 }],
    });

    const result = await runMoveTask({
      sqs: sqs as unknown as SQSClient,
      deadLetterQueueArn: DLQ_ARN,
      queueArn: QUEUE_ARN,
      pollIntervalMs: 1,
    });

    expect(result).toMatchObject({ status: 'FAILED', moved: 3, failureReason: 'AccessDenied' });
  });

  it('says what to do when a move task is already running on the DLQ', async () => {
    sqs
      .on(StartMessageMoveTaskCommand)
      .rejects(Object.assign(new Error('There is already a task running'), { name: 'UnsupportedOperation' }));

    await expect(runMoveTask({ sqs: sqs as unknown as SQSClient, deadLetterQueueArn: DLQ_ARN, queueArn: QUEUE_ARN })).rejects.toThrow(
      /already running on this DLQ: wait for it, or cancel it/,
    );
  });
});
