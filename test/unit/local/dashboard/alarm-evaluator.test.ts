import type { CfnTemplate } from '../../../../local-runtime/cloud-assembly';
import { AlarmEvaluator, LOCAL_PERIOD_CAP_SECONDS } from '../../../../local-runtime/dashboard/alarm-evaluator';
import { seriesKey } from '../../../../local-runtime/dashboard/local-metrics';
import { MetricStore } from '../../../../local-runtime/dashboard/metric-store';

const NOW = 1_800_000_000_000;
const DLQ = 'OrderQueueDeadLetterQueueB70A0DEF';
const CONSUMER = 'ConsumerFunction40CB859D';

/** A stack as CDK writes it: a queue with its DLQ, a function, and whatever alarms the test adds. */
const templateWith = (alarms: Record<string, Record<string, unknown>>): CfnTemplate => ({
  Resources: {
    OrderQueue598C9801: {
      Type: 'AWS::SQS::Queue',
      Properties: { RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [DLQ, 'Arn'] }, maxReceiveCount: 3 } },
    },
    [DLQ]: { Type: 'AWS::SQS::Queue', Properties: {} },
    [CONSUMER]: { Type: 'AWS::Lambda::Function', Properties: {} },
    ...Object.fromEntries(
      Object.entries(alarms).map(([id, properties]) => [id, { Type: 'AWS::CloudWatch::Alarm', Properties: properties }]),
    ),
  },
});

const deadLetterAlarm = (overrides: Record<string, unknown> = {}) => ({
  MetricName: 'ApproximateNumberOfMessagesVisible',
  Namespace: 'AWS/SQS',
  Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [DLQ, 'QueueName'] } }],
  Statistic: 'Maximum',
  Period: 60,
  Threshold: 1,
  ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  EvaluationPeriods: 1,
  TreatMissingData: 'notBreaching',
  ...overrides,
});

const evaluate = (template: CfnTemplate, record: (store: MetricStore) => void) => {
  const store = new MetricStore(60_000);
  record(store);
  const evaluator = new AlarmEvaluator(store);
  evaluator.setTemplate(template);
  return evaluator.evaluate(NOW);
};

describe('AlarmEvaluator', () => {
  const dlqDepth = seriesKey.sqs(DLQ, 'ApproximateNumberOfMessagesVisible');

  it("goes to ALARM when the DLQ depth reaches the template's threshold within the local period", () => {
    const [status] = evaluate(templateWith({ DeadLetters: deadLetterAlarm() }), (store) => {
      store.record(dlqDepth, 0, NOW - 3_000);
      store.record(dlqDepth, 1, NOW - 1_000);
    });

    expect(status).toMatchObject({ state: 'ALARM', condition: '>= 1', datapoints: [1], templatePeriodSeconds: 60 });
    expect(status.localPeriodSeconds).toBe(LOCAL_PERIOD_CAP_SECONDS);
  });

  it('stays OK below the threshold, and a datapoint older than the local period no longer counts', () => {
    const [status] = evaluate(templateWith({ DeadLetters: deadLetterAlarm() }), (store) => {
      store.record(dlqDepth, 5, NOW - (LOCAL_PERIOD_CAP_SECONDS + 1) * 1000);
      store.record(dlqDepth, 0, NOW - 1_000);
    });

    expect(status).toMatchObject({ state: 'OK', datapoints: [0] });
  });

  it.each([
    ['notBreaching', 'OK'],
    ['breaching', 'ALARM'],
    ['missing', 'INSUFFICIENT_DATA'],
  ])('treats periods without data as TreatMissingData %s says: %s', (treatMissingData, state) => {
    const [status] = evaluate(templateWith({ DeadLetters: deadLetterAlarm({ TreatMissingData: treatMissingData }) }), () => undefined);

    expect(status.state).toBe(state);
  });

  it('needs DatapointsToAlarm of the EvaluationPeriods to breach', () => {
    const alarm = deadLetterAlarm({ EvaluationPeriods: 2, DatapointsToAlarm: 2, Period: 5 });
    const oneOfTwo = evaluate(templateWith({ DeadLetters: alarm }), (store) => {
      store.record(dlqDepth, 0, NOW - 7_000);
      store.record(dlqDepth, 3, NOW - 1_000);
    });
    const twoOfTwo = evaluate(templateWith({ DeadLetters: alarm }), (store) => {
      store.record(dlqDepth, 2, NOW - 7_000);
      store.record(dlqDepth, 3, NOW - 1_000);
    });

    expect(oneOfTwo[0]).toMatchObject({ state: 'OK', datapoints: [0, 3], localPeriodSeconds: 5 });
    expect(twoOfTwo[0]).toMatchObject({ state: 'ALARM', datapoints: [2, 3] });
  });

  it('evaluates whatever alarms the template has, metric math included, and says why it cannot evaluate the others', () => {
    const errors = seriesKey.lambda(CONSUMER, 'Errors');
    const statuses = evaluate(
      templateWith({
        ConsumerErrorRate: {
          Metrics: [
            { Id: 'rate', Expression: 'IF(calls >= 2, 100 * FILL(failed, 0) / calls, 0)', ReturnData: true },
            {
              Id: 'failed',
              ReturnData: false,
              MetricStat: {
                Metric: { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: { Ref: CONSUMER } }] },
                Period: 300,
                Stat: 'Sum',
              },
            },
            {
              Id: 'calls',
              ReturnData: false,
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/Lambda',
                  MetricName: 'Invocations',
                  Dimensions: [{ Name: 'FunctionName', Value: { Ref: CONSUMER } }],
                },
                Period: 300,
                Stat: 'Sum',
              },
            },
          ],
          Threshold: 50,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          EvaluationPeriods: 1,
        },
        StreamAge: { ...deadLetterAlarm(), Namespace: 'AWS/Kinesis', MetricName: 'GetRecords.IteratorAgeMilliseconds' },
      }),
      (store) => {
        for (const failed of [1, 1, 0]) {
          store.record(seriesKey.lambda(CONSUMER, 'Invocations'), 1, NOW - 2_000);
          store.record(errors, failed, NOW - 2_000);
        }
      },
    );

    expect(statuses.map(({ name, state }) => [name, state])).toEqual([
      ['ConsumerErrorRate', 'ALARM'],
      ['StreamAge', 'NOT_EVALUATED_LOCALLY'],
    ]);
    expect(statuses[0].datapoints[0]).toBeCloseTo(66.67, 1);
    expect(statuses[1].reason).toBe('AWS/Kinesis is not emulated locally');
  });

  it("evaluates an alarm on a version invoked through the live alias as the function's own errors, and refuses another function's version", () => {
    const version = 'ConsumerFunctionCurrentVersion363F7655abc';
    const otherVersion = 'OtherFunctionCurrentVersion1234abcd';
    const newVersionErrors = (versionId: string) => ({
      ...deadLetterAlarm(),
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Statistic: 'Sum',
      Dimensions: [
        { Name: 'ExecutedVersion', Value: { 'Fn::GetAtt': [versionId, 'Version'] } },
        { Name: 'FunctionName', Value: { Ref: CONSUMER } },
        { Name: 'Resource', Value: { 'Fn::Join': ['', [{ Ref: CONSUMER }, ':live']] } },
      ],
    });
    const template = templateWith({ NewVersionErrors: newVersionErrors(version), OtherVersionErrors: newVersionErrors(otherVersion) });
    const resources = template.Resources as Record<string, unknown>;
    resources[version] = { Type: 'AWS::Lambda::Version', Properties: { FunctionName: { Ref: CONSUMER } } };
    resources.OtherFunction = { Type: 'AWS::Lambda::Function', Properties: {} };
    resources[otherVersion] = { Type: 'AWS::Lambda::Version', Properties: { FunctionName: { Ref: 'OtherFunction' } } };

    const statuses = evaluate(template, (store) => store.record(seriesKey.lambda(CONSUMER, 'Errors'), 1, NOW - 2_000));

    expect(statuses.map(({ name, state }) => [name, state])).toEqual([
      ['NewVersionErrors', 'ALARM'],
      ['OtherVersionErrors', 'NOT_EVALUATED_LOCALLY'],
    ]);
    expect(statuses[1].reason).toContain(`ExecutedVersion ${otherVersion} is not a version of ${CONSUMER}`);
  });

  it('follows the running template: an alarm added to the stack is evaluated after the next setTemplate', () => {
    const store = new MetricStore(60_000);
    const evaluator = new AlarmEvaluator(store);
    evaluator.setTemplate(templateWith({}));
    expect(evaluator.evaluate(NOW)).toEqual([]);

    evaluator.setTemplate(templateWith({ DeadLetters: deadLetterAlarm() }));

    expect(evaluator.evaluate(NOW).map((status) => status.name)).toEqual(['DeadLetters']);
  });
});
