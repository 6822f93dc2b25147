import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { STAGE_NAMES, type StageName, getStageConfig } from '../../infra/config/stages';
import { EMF_METRICS } from '../../infra/constructs/emf-metrics';
import { EVENT_SOURCE_MAPPING_METRICS } from '../../infra/constructs/pipeline-dashboard';
import { accessLogFormatOf, accessLogLineExample } from '../../load/lib/cloudwatch-log-lines';
import { type TemplateResources, observabilityResourcesOf } from '../../load/lib/observability-cost';
import { invokedFunction, onlyResource, propertiesOf, resourcesOfType, synthStage } from './synth-stage';

const PROJECT_ROOT = path.join(__dirname, '..', '..');
const readProjectFile = (file: string) => readFileSync(path.join(PROJECT_ROOT, file), 'utf8');

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens. */
const runbookAnchors = (): Set<string> =>
  new Set(
    [...readProjectFile('docs/operations.md').matchAll(/^#{2,4} (.+)$/gm)].map(([, heading]) =>
      heading
        .toLowerCase()
        .replace(/[^a-z0-9 -]/g, '')
        .replace(/ /g, '-'),
    ),
  );

type Part = string | { Ref: string } | { 'Fn::GetAtt': [string, string] };

/** The dashboard body as JSON, each reference written as REF(logicalId) or GETATT(logicalId.attribute). */
const dashboardBody = (template: Template): { widgets: { type: string; properties: Record<string, unknown> }[] } => {
  const dashboard = onlyResource(template, 'AWS::CloudWatch::Dashboard');
  const parts = (dashboard.Properties.DashboardBody as { 'Fn::Join': [string, Part[]] })['Fn::Join'][1];
  const rendered = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      if ('Ref' in part) return `REF(${part.Ref})`;
      if ('Fn::GetAtt' in part) return `GETATT(${part['Fn::GetAtt'].join('.')})`;
      throw new Error(`unexpected part of the dashboard body: ${JSON.stringify(part)}`);
    })
    .join('');
  return JSON.parse(rendered);
};

/** Every metric graphed, as "namespace metricName dimension=value ..." (math expressions left out). */
const graphedMetrics = (template: Template): string[] =>
  dashboardBody(template).widgets.flatMap((widget) =>
    ((widget.properties.metrics ?? []) as unknown[][])
      .map((metric) => metric.filter((part): part is string => typeof part === 'string'))
      .filter((parts) => parts.length >= 2)
      .map(([namespace, metricName, ...dimensions]) => {
        const pairs: string[] = [];
        for (let index = 0; index + 1 < dimensions.length; index += 2) pairs.push(`${dimensions[index]}=${dimensions[index + 1]}`);
        return [namespace, metricName, ...pairs].join(' ');
      }),
  );

const functionWithService = (template: Template, serviceName: string) =>
  onlyResource(template, 'AWS::Lambda::Function', {
    Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: serviceName }) },
  });

const logGroupOf = (fn: { Properties: Record<string, unknown> }) => (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup;

describe.each(STAGE_NAMES)('PipelineObservability (%s)', (stage: StageName) => {
  const { config, template } = synthStage(stage);
  const thresholds = config.alarms;
  const topicRef = () => ({ Ref: Object.keys(resourcesOfType(template, 'AWS::SNS::Topic'))[0] });
  const apiId = () => Object.keys(resourcesOfType(template, 'AWS::ApiGatewayV2::Api'))[0];
  const consumer = () => functionWithService(template, 'orders-consumer');
  const mainQueue = () => onlyResource(template, 'AWS::SQS::Queue', { RedrivePolicy: Match.anyValue() });
  const deadLetterQueue = () => onlyResource(template, 'AWS::SQS::Queue', { MessageRetentionPeriod: 1_209_600 });
  const ordersTable = () =>
    onlyResource(template, 'AWS::DynamoDB::Table', { KeySchema: Match.arrayWith([{ AttributeName: 'PK', KeyType: 'HASH' }]) });
  const idempotencyTable = () => onlyResource(template, 'AWS::DynamoDB::Table', { KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] });
  const alarms = () => resourcesOfType(template, 'AWS::CloudWatch::Alarm');

  describe('dashboard', () => {
    it('is named after the stack and the region (dashboards are global to an account), never by a literal', () => {
      const dashboard = onlyResource(template, 'AWS::CloudWatch::Dashboard');
      expect(dashboard.Properties.DashboardName).toEqual({ 'Fn::Join': ['', [`OrdersPipeline-${stage}-`, { Ref: 'AWS::Region' }]] });
    });

    it("graphs the HTTP API's requests, 4xx, 5xx and latency by its ApiId", () => {
      const metrics = graphedMetrics(template);
      for (const name of ['Count', '4xx', '5xx', 'Latency']) {
        expect(metrics).toContain(`AWS/ApiGateway ${name} ApiId=REF(${apiId()})`);
      }
    });

    it('graphs invocations, errors, throttles, duration and concurrency of every function in the stack', () => {
      const metrics = graphedMetrics(template);
      const functions = Object.keys(resourcesOfType(template, 'AWS::Lambda::Function'));
      expect(functions.length).toBeGreaterThanOrEqual(3);
      for (const logicalId of functions) {
        for (const name of ['Invocations', 'Errors', 'Throttles', 'Duration', 'ConcurrentExecutions']) {
          expect(metrics).toContain(`AWS/Lambda ${name} FunctionName=REF(${logicalId})`);
        }
      }
    });

    it('graphs queue depth and age of the oldest message, and the DLQ depth, by the queues’ names', () => {
      const metrics = graphedMetrics(template);
      const queueName = (queue: { logicalId: string }) => `QueueName=GETATT(${queue.logicalId}.QueueName)`;
      expect(metrics).toContain(`AWS/SQS ApproximateNumberOfMessagesVisible ${queueName(mainQueue())}`);
      expect(metrics).toContain(`AWS/SQS ApproximateAgeOfOldestMessage ${queueName(mainQueue())}`);
      expect(metrics).toContain(`AWS/SQS ApproximateNumberOfMessagesVisible ${queueName(deadLetterQueue())}`);
    });

    it("graphs the consumer's event source mapping metrics, which the mapping is configured to publish", () => {
      const mapping = onlyResource(template, 'AWS::Lambda::EventSourceMapping');
      expect(mapping.Properties.MetricsConfig).toEqual({ Metrics: ['EventCount'] });
      expect(invokedFunction(template, mapping.Properties.FunctionName)).toBe(consumer().logicalId);
      const metrics = graphedMetrics(template);
      for (const name of EVENT_SOURCE_MAPPING_METRICS) {
        expect(metrics).toContain(`AWS/Lambda ${name} EventSourceMappingUUID=REF(${mapping.logicalId})`);
      }
    });

    it('graphs every EMF metric of every service, in the namespace and with the service its function publishes with', () => {
      const metrics = graphedMetrics(template);
      for (const [service, published] of Object.entries(EMF_METRICS)) {
        const variables = (functionWithService(template, service).Properties.Environment as { Variables: Record<string, string> })
          .Variables;
        for (const { name } of published) {
          expect(metrics).toContain(`${variables.POWERTOOLS_METRICS_NAMESPACE} ${name} service=${service}`);
        }
      }
    });

    it('graphs consumed capacity and throttled reads and writes of both tables', () => {
      const metrics = graphedMetrics(template);
      for (const table of [ordersTable(), idempotencyTable()]) {
        for (const name of ['ConsumedWriteCapacityUnits', 'ConsumedReadCapacityUnits', 'WriteThrottleEvents', 'ReadThrottleEvents']) {
          expect(metrics).toContain(`AWS/DynamoDB ${name} TableName=REF(${table.logicalId})`);
        }
      }
    });

    it("shows the state of every one of the stage's alarms", () => {
      const widget = dashboardBody(template).widgets.find((candidate) => candidate.type === 'alarm');
      const shown = ((widget?.properties.alarms ?? []) as string[]).sort();
      expect(shown).toEqual(
        Object.keys(alarms())
          .map((logicalId) => `GETATT(${logicalId}.Arn)`)
          .sort(),
      );
    });
  });

  describe('alarms', () => {
    // One on each function's newest version where CodeDeploy shifts its alias.
    const newVersionAlarms =
      config.deployment.strategy === 'codedeploy' ? Object.keys(resourcesOfType(template, 'AWS::Lambda::Function')).length : 0;
    it(`has the two queue alarms, the four on their causes and ${newVersionAlarms} on new versions, each notifying the topic on alarm and on recovery`, () => {
      expect(Object.keys(alarms())).toHaveLength(6 + newVersionAlarms);
      for (const alarm of Object.values(alarms())) {
        expect(propertiesOf(alarm)).toMatchObject({ AlarmActions: [topicRef()], OKActions: [topicRef()] });
      }
    });

    it('links every alarm to a runbook section that exists in docs/operations.md', () => {
      const anchors = runbookAnchors();
      for (const alarm of Object.values(alarms())) {
        const link = /docs\/operations\.md#([a-z0-9-]+)/.exec(String(propertiesOf(alarm).AlarmDescription));
        expect(link?.[1]).toBeDefined();
        expect(anchors).toContain(link?.[1]);
      }
    });

    it('sends the alarms whose cause can burn orders into the DLQ to "Stop the bleeding", with the pause command for the stage', () => {
      const anchors = runbookAnchors();
      const descriptions = Object.values(alarms()).map((alarm) => String(propertiesOf(alarm).AlarmDescription));
      const calling = descriptions.filter((description) => description.includes('docs/operations.md#stop-the-bleeding'));

      expect(anchors).toContain('stop-the-bleeding');
      expect(calling.map((description) => /#(alarm-[a-z0-9-]+)/.exec(description)?.[1]).sort()).toEqual([
        'alarm-consumer-errors',
        'alarm-dlq-messages',
        'alarm-dynamodb-throttling',
      ]);
      for (const description of calling) expect(description).toContain(`npm run consumer -- pause --stage ${stage}`);
    });

    it(`alarms on ${thresholds.consumerErrors}+ consumer errors in 5 minutes`, () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: consumer().logicalId } }],
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: thresholds.consumerErrors,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmDescription: Match.stringLikeRegexp('#alarm-consumer-errors'),
      });
    });

    it(`alarms on ${thresholds.consumerThrottles}+ throttled consumer invocations in 5 minutes`, () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Throttles',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: consumer().logicalId } }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: thresholds.consumerThrottles,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmDescription: Match.stringLikeRegexp('#alarm-consumer-throttles'),
      });
    });

    it(`alarms when ${thresholds.apiServerErrors.percent}%+ of at least ${thresholds.apiServerErrors.minimumRequests} API requests answer 5xx`, () => {
      const api = { Name: 'ApiId', Value: { Ref: apiId() } };
      const alarm = onlyResource(template, 'AWS::CloudWatch::Alarm', {
        AlarmDescription: Match.stringLikeRegexp('#alarm-api-5xx-rate'),
      });
      expect(alarm.Properties).toMatchObject({
        Threshold: thresholds.apiServerErrors.percent,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
      const metrics = alarm.Properties.Metrics as { Id: string; Expression?: string; MetricStat?: unknown; ReturnData: boolean }[];
      const expression = metrics.find((metric) => metric.ReturnData);
      expect(expression?.Expression).toBe(
        `IF(requests >= ${thresholds.apiServerErrors.minimumRequests}, 100 * FILL(serverErrors, 0) / requests, 0)`,
      );
      expect(metrics).toContainEqual({
        Id: 'serverErrors',
        MetricStat: { Metric: { Namespace: 'AWS/ApiGateway', MetricName: '5xx', Dimensions: [api] }, Period: 300, Stat: 'Sum' },
        ReturnData: false,
      });
      expect(metrics).toContainEqual({
        Id: 'requests',
        MetricStat: { Metric: { Namespace: 'AWS/ApiGateway', MetricName: 'Count', Dimensions: [api] }, Period: 300, Stat: 'Sum' },
        ReturnData: false,
      });
    });

    it(`alarms when both tables throttle ${thresholds.tableThrottleEvents}+ reads and writes in two consecutive 5-minute periods`, () => {
      const alarm = onlyResource(template, 'AWS::CloudWatch::Alarm', {
        AlarmDescription: Match.stringLikeRegexp('#alarm-dynamodb-throttling'),
      });
      expect(alarm.Properties).toMatchObject({ Threshold: thresholds.tableThrottleEvents, EvaluationPeriods: 2, DatapointsToAlarm: 2 });
      type Stat = { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: { Ref: string } }[] };
      const metrics = alarm.Properties.Metrics as { Id: string; Expression?: string; MetricStat?: { Metric: Stat; Stat: string } }[];
      const summed = metrics.filter((metric) => metric.MetricStat);
      const described = summed.map((metric) => {
        const { Metric, Stat } = metric.MetricStat as { Metric: Stat; Stat: string };
        return `${Metric.Namespace} ${Metric.MetricName} ${Metric.Dimensions.map(({ Name, Value }) => `${Name}=${Value.Ref}`).join(' ')} ${Stat}`;
      });
      expect(described.sort()).toEqual(
        [ordersTable(), idempotencyTable()]
          .flatMap((table) => ['Read', 'Write'].map((kind) => `AWS/DynamoDB ${kind}ThrottleEvents TableName=${table.logicalId} Sum`))
          .sort(),
      );
      const expression = metrics.find((metric) => metric.Expression)?.Expression;
      for (const { Id } of summed) expect(expression).toContain(`FILL(${Id}, 0)`);
    });
  });

  describe('saved Logs Insights queries', () => {
    const queries = () =>
      Object.fromEntries(
        Object.values(resourcesOfType(template, 'AWS::Logs::QueryDefinition')).map((query) => {
          const properties = propertiesOf(query) as { Name: string; QueryString: string; LogGroupNames: { Ref: string }[] };
          return [properties.Name, properties];
        }),
      );
    const allFunctionLogGroups = () =>
      Object.values(resourcesOfType(template, 'AWS::Lambda::Function'))
        .map((fn) => logGroupOf({ Properties: propertiesOf(fn) }))
        .sort((a, b) => a.Ref.localeCompare(b.Ref));
    const sorted = (refs: { Ref: string }[]) => [...refs].sort((a, b) => a.Ref.localeCompare(b.Ref));

    it(`saves five queries in the folder orders-pipeline/${stage}`, () => {
      expect(Object.keys(queries()).sort()).toEqual(
        ['batch-size-and-duration', 'cold-starts', 'dlq-reasons', 'failures-by-error', 'order-lifecycle'].map(
          (name) => `orders-pipeline/${stage}/${name}`,
        ),
      );
    });

    it("searches every function's log group for an order's lifecycle, failures and cold starts", () => {
      for (const name of ['order-lifecycle', 'failures-by-error', 'cold-starts']) {
        expect(sorted(queries()[`orders-pipeline/${stage}/${name}`].LogGroupNames)).toEqual(allFunctionLogGroups());
      }
    });

    it("searches only the consumer's log group for dead letters and batches", () => {
      for (const name of ['dlq-reasons', 'batch-size-and-duration']) {
        expect(queries()[`orders-pipeline/${stage}/${name}`].LogGroupNames).toEqual([logGroupOf(consumer())]);
      }
    });

    it('finds an order by the ORDER_ID placeholder as a field and inside the batch lines that list it', () => {
      expect(queries()[`orders-pipeline/${stage}/order-lifecycle`].QueryString).toContain(
        '| filter orderId = "ORDER_ID" or @message like "ORDER_ID"',
      );
    });

    it('filters on the messages the functions really log', () => {
      const consumerSource = readProjectFile('functions/consumer/handler.ts');
      const dlq = queries()[`orders-pipeline/${stage}/dlq-reasons`].QueryString;
      expect(dlq).toContain('filter message = "record sent to the DLQ"');
      expect(consumerSource).toContain("'record sent to the DLQ'");
      const batches = queries()[`orders-pipeline/${stage}/batch-size-and-duration`].QueryString;
      expect(batches).toContain('message = "batch processed"');
      expect(batches).toContain('count(records)');
      expect(consumerSource).toMatch(/logger\.info\('batch processed', \{\s*records:/);
    });

    it('reads failures by error name, and durations and init durations from Lambda’s report line in either log format', () => {
      expect(queries()[`orders-pipeline/${stage}/failures-by-error`].QueryString).toMatch(/coalesce\(error\.name,.*\) as errorName/);
      expect(queries()[`orders-pipeline/${stage}/cold-starts`].QueryString).toContain(
        'coalesce(@initDuration, record.metrics.initDurationMs)',
      );
      expect(queries()[`orders-pipeline/${stage}/batch-size-and-duration`].QueryString).toContain(
        'coalesce(@duration, record.metrics.durationMs)',
      );
    });
  });
});

describe('observability cost inputs, from the synthesized stages', () => {
  it('keeps the same dashboard, alarm metrics and saved queries in every stage, plus one alarm metric per function where CodeDeploy shifts them', () => {
    for (const stage of STAGE_NAMES) {
      const { template } = synthStage(stage);
      const functions = Object.keys(resourcesOfType(template, 'AWS::Lambda::Function')).length;
      const perFunction = getStageConfig(stage).deployment.strategy === 'codedeploy' ? functions : 0;
      expect(observabilityResourcesOf(template.toJSON() as TemplateResources)).toMatchObject({
        dashboards: 1,
        alarmMetrics: 10 + perFunction,
        savedQueries: 5,
      });
    }
  });

  it.each(STAGE_NAMES)("estimates the %s stage's access-log ingestion from a line in exactly its access-log format", (stage) => {
    const stageResource = onlyResource(synthStage(stage).template, 'AWS::ApiGatewayV2::Stage', { StageName: '$default' });
    const format = (stageResource.Properties.AccessLogSettings as { Format: string }).Format;
    expect(accessLogFormatOf(synthStage(stage).template.toJSON())).toBe(format);
    const example = JSON.parse(accessLogLineExample(format)) as Record<string, string>;
    expect(Object.keys(example)).toEqual(Object.keys(JSON.parse(format)));
    expect(Object.values(example).filter((value) => value.includes('$context'))).toEqual([]);
  });
});
