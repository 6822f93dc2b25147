import type { EventSourceSettings } from '../../../local-runtime/sqs-event-source';
import { LocalEventSourceMapping, type MappingSource } from '../../../local-runtime/lambda-api/event-source-mapping';
import { parseFunctionName } from '../../../local-runtime/lambda-api/function-name';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:OrdersPipeline-dev-ConsumerFunction40CB859D';
const QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:OrdersPipeline-dev-OrderQueue598C9801';

/** A poller whose pause ends only when the test says so (a long poll still in flight). */
class FakeSource implements MappingSource {
  enabled = true;
  batching = { batchSize: 100, maxBatchingWindowSeconds: 1, maxConcurrency: 2, reportBatchItemFailures: true };
  private endPoll: () => void = () => undefined;

  pause(): Promise<void> {
    this.enabled = false;
    return new Promise((resolve) => {
      this.endPoll = resolve;
    });
  }

  finishPoll(): void {
    this.endPoll();
  }

  resume(): void {
    this.enabled = true;
  }

  async reconfigure(changes: Partial<EventSourceSettings>): Promise<void> {
    this.batching = { ...this.batching, ...changes };
  }
}

const anyName = () => true;

describe('LocalEventSourceMapping', () => {
  it('goes Enabled → Disabling → Disabled, Disabling until the poll in flight has ended', async () => {
    const source = new FakeSource();
    const mapping = new LocalEventSourceMapping(source, FUNCTION_ARN, QUEUE_ARN, true);

    expect(mapping.update({ Enabled: false }, anyName).State).toBe('Disabling');
    await Promise.resolve();
    expect(mapping.describe().State).toBe('Disabling');
    source.finishPoll();
    await mapping.settled();

    expect(mapping.describe().State).toBe('Disabled');
  });

  it('refuses an update while a transition is in progress with ResourceInUseException', () => {
    const mapping = new LocalEventSourceMapping(new FakeSource(), FUNCTION_ARN, QUEUE_ARN, true);
    mapping.update({ Enabled: false }, anyName);

    expect(() => mapping.update({ Enabled: true }, anyName)).toThrow(
      expect.objectContaining({
        code: 'ResourceInUseException',
        statusCode: 400,
        message: expect.stringMatching(/is Disabling: wait until/),
      }),
    );
  });

  it('goes Disabled → Enabling → Enabled and answers with the new settings at once', async () => {
    const source = new FakeSource();
    source.enabled = false;
    const mapping = new LocalEventSourceMapping(source, FUNCTION_ARN, QUEUE_ARN, false);
    expect(mapping.describe()).not.toHaveProperty('ScalingConfig');

    const answer = mapping.update({ Enabled: true, BatchSize: 5, ScalingConfig: { MaximumConcurrency: 3 } }, anyName);
    expect(answer).toMatchObject({ State: 'Enabling', BatchSize: 5, ScalingConfig: { MaximumConcurrency: 3 } });
    await mapping.settled();

    expect(mapping.describe()).toMatchObject({ State: 'Enabled', BatchSize: 5, MaximumBatchingWindowInSeconds: 1 });
  });

  it('answers an update that changes nothing without a transition', () => {
    const mapping = new LocalEventSourceMapping(new FakeSource(), FUNCTION_ARN, QUEUE_ARN, true);

    expect(mapping.update({ Enabled: true, BatchSize: 100 }, anyName).State).toBe('Enabled');
  });

  it.each([
    [{ BatchSize: 0 }, /BatchSize must be a whole number from 1 to 10000/],
    [{ BatchSize: 20, MaximumBatchingWindowInSeconds: 0 }, /set MaximumBatchingWindowInSeconds to at least 1/],
    [{ MaximumBatchingWindowInSeconds: 301 }, /from 0 to 300/],
    [{ ScalingConfig: { MaximumConcurrency: 1 } }, /MaximumConcurrency must be a whole number from 2 to 1000/],
    [{ Enabled: 'no' }, /Enabled must be true or false/],
    [{ FilterCriteria: {} }, /change FilterCriteria in the stack/],
  ])('refuses %j with InvalidParameterValueException that says what is allowed', (request, message) => {
    const mapping = new LocalEventSourceMapping(new FakeSource(), FUNCTION_ARN, QUEUE_ARN, true);

    expect(() => mapping.update(request as never, anyName)).toThrow(
      expect.objectContaining({ code: 'InvalidParameterValueException', message: expect.stringMatching(message) }),
    );
    expect(mapping.describe().State).toBe('Enabled');
  });

  it('refuses to point the mapping at another function', () => {
    const mapping = new LocalEventSourceMapping(new FakeSource(), FUNCTION_ARN, QUEUE_ARN, true);

    expect(() => mapping.update({ FunctionName: 'other' }, (name) => name === 'OrdersPipeline-dev-ConsumerFunction40CB859D')).toThrow(
      /cannot point mapping .* at another function/,
    );
  });
});

describe('parseFunctionName', () => {
  it.each([
    ['OrdersPipeline-dev-ConsumerFunction40CB859D', undefined],
    ['OrdersPipeline-dev-ConsumerFunction40CB859D:live', 'live'],
    ['000000000000:function:OrdersPipeline-dev-ConsumerFunction40CB859D', undefined],
    [`${FUNCTION_ARN}:live`, 'live'],
    [`${FUNCTION_ARN}:$LATEST`, '$LATEST'],
  ])('reads %s as the function name and qualifier %s', (functionName, qualifier) => {
    expect(parseFunctionName(functionName)).toEqual({ name: 'OrdersPipeline-dev-ConsumerFunction40CB859D', qualifier });
  });

  it('refuses a qualifier that contradicts the one in the name, and a name that is no function', () => {
    expect(() => parseFunctionName(`${FUNCTION_ARN}:live`, '1')).toThrow(/does not match the specified qualifier/);
    expect(() => parseFunctionName('arn:aws:sqs:us-east-1:000000000000:queue')).toThrow(/is not a function name/);
  });
});
