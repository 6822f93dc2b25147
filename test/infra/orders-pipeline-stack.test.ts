import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { ENV, redeliveryDelaySeconds, redeliveryWindowSeconds } from '@orders-pipeline/shared';
import { OrdersPipelineStack } from '../../infra/stacks/orders-pipeline-stack';
import { STAGE_NAMES, getStageConfig } from '../../infra/config/stages';
import { addStage } from '../../infra/stage-app';
import { invokedFunction, onlyResource, propertiesOf, resourcesOfType, synthStage } from './synth-stage';

const consumerFunction = (stage: (typeof STAGE_NAMES)[number]) =>
  onlyResource(synthStage(stage).template, 'AWS::Lambda::Function', {
    Environment: { Variables: Match.objectLike({ [ENV.DEAD_LETTER_QUEUE_URL]: Match.anyValue() }) },
  });
const orderStatusFunction = (stage: (typeof STAGE_NAMES)[number]) =>
  onlyResource(synthStage(stage).template, 'AWS::Lambda::Function', {
    Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'orders-status' }) },
  });

const apiFunction = (stage: (typeof STAGE_NAMES)[number]) =>
  onlyResource(synthStage(stage).template, 'AWS::Lambda::Function', {
    Environment: { Variables: Match.objectLike({ [ENV.IDEMPOTENCY_TABLE_NAME]: Match.anyValue() }) },
  });
const mainQueue = (stage: (typeof STAGE_NAMES)[number]) =>
  onlyResource(synthStage(stage).template, 'AWS::SQS::Queue', { RedrivePolicy: Match.anyValue() });
const deadLetterQueue = (stage: (typeof STAGE_NAMES)[number]) =>
  onlyResource(synthStage(stage).template, 'AWS::SQS::Queue', { MessageRetentionPeriod: 1_209_600 });

/** Every action of a function role's policies, sorted (cdk.json's minimizePolicies merges statements). */
const roleActions = (stage: (typeof STAGE_NAMES)[number], functionLogicalId: string): string[] => {
  const { template } = synthStage(stage);
  const fn = resourcesOfType(template, 'AWS::Lambda::Function')[functionLogicalId];
  const roleRef = (propertiesOf(fn).Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
  const policies = Object.values(resourcesOfType(template, 'AWS::IAM::Policy')).filter((policy) =>
    (propertiesOf(policy).Roles as { Ref: string }[]).some((role) => role.Ref === roleRef),
  );
  return policies
    .flatMap((policy) => (propertiesOf(policy).PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement)
    .flatMap((statement) => [statement.Action].flat())
    .sort();
};

/** Actions of a function role's policy, minus log writing and X-Ray that every function has. */
const grantedActions = (stage: (typeof STAGE_NAMES)[number], functionLogicalId: string): string[] =>
  roleActions(stage, functionLogicalId).filter((action) => !action.startsWith('logs:') && !action.startsWith('xray:'));

describe.each(STAGE_NAMES)('OrdersPipelineStack (%s)', (stage) => {
  const { config, template, stack } = synthStage(stage);

  it('feeds the consumer from the queue with the stage batch size, window, concurrency and partial failures', () => {
    const queue = mainQueue(stage);
    const mapping = onlyResource(template, 'AWS::Lambda::EventSourceMapping');
    expect(invokedFunction(template, mapping.Properties.FunctionName)).toBe(consumerFunction(stage).logicalId);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queue.logicalId, 'Arn'] },
      BatchSize: config.consumer.batchSize,
      MaximumBatchingWindowInSeconds: config.consumer.maxBatchingWindow.toSeconds(),
      ScalingConfig: { MaximumConcurrency: config.consumer.maxConcurrency },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('moves a message to the DLQ after maxReceiveCount receives and keeps it there 14 days', () => {
    expect(mainQueue(stage).Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [deadLetterQueue(stage).logicalId, 'Arn'] },
      maxReceiveCount: config.maxReceiveCount,
    });
  });

  it('marks the DLQ as a dead-letter queue in the template (RedriveAllowPolicy), as Control Tower CT.SQS.PR.1 reads it', () => {
    expect(deadLetterQueue(stage).Properties.RedriveAllowPolicy).toEqual({ redrivePermission: 'allowAll' });
  });

  it('keeps messages invisible for at least 6 x the consumer timeout + the batching window', () => {
    const timeout = consumerFunction(stage).Properties.Timeout as number;
    const windowSeconds = config.consumer.maxBatchingWindow.toSeconds();
    expect(mainQueue(stage).Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout + windowSeconds);
  });

  it('encrypts both queues and denies any access without TLS', () => {
    for (const queue of [mainQueue(stage), deadLetterQueue(stage)]) {
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queue.logicalId }],
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
    }
  });

  it('runs both functions on nodejs22.x arm64 with the one shared layer attached', () => {
    const layers = Object.keys(resourcesOfType(template, 'AWS::Lambda::LayerVersion'));
    expect(layers).toHaveLength(1);
    for (const fn of [apiFunction(stage), consumerFunction(stage)]) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Layers: [{ Ref: layers[0] }] });
    }
  });

  it('traces every function actively and lets it write to X-Ray, so the consumer trace links to the API send (docs/design.md)', () => {
    const functions = Object.entries(resourcesOfType(template, 'AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThan(0);
    for (const [logicalId, fn] of functions) {
      expect(propertiesOf(fn).TracingConfig).toEqual({ Mode: 'Active' });
      expect(roleActions(stage, logicalId)).toEqual(expect.arrayContaining(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']));
    }
  });

  it('sizes the consumer redelivery backoff so that maxReceiveCount receives outlast the stage throttle storm, within message retention', () => {
    const variables = (consumerFunction(stage).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    const backoff = { firstDelaySeconds: Number(variables[ENV.REDELIVERY_FIRST_DELAY_SECONDS]) };
    const window = redeliveryWindowSeconds(config.maxReceiveCount, backoff);
    expect(window).toBeGreaterThanOrEqual(config.consumer.throttleStormToOutlast.toSeconds());
    // The shortest such schedule: one second less and the storm would outlast the receives.
    expect(redeliveryWindowSeconds(config.maxReceiveCount, { firstDelaySeconds: backoff.firstDelaySeconds - 1 })).toBeLessThan(
      config.consumer.throttleStormToOutlast.toSeconds(),
    );
    // Held-back messages still expire at the queue's retention (SQS default, 4 days, when the template sets none).
    const retention = (mainQueue(stage).Properties.MessageRetentionPeriod as number | undefined) ?? 4 * 86_400;
    expect(window + redeliveryDelaySeconds(config.maxReceiveCount, backoff)).toBeLessThan(retention);
    // It holds records back on the queue they came from, with the action the event source mapping grants.
    expect(variables[ENV.QUEUE_URL]).toEqual({ Ref: mainQueue(stage).logicalId });
    expect(grantedActions(stage, consumerFunction(stage).logicalId)).toContain('sqs:ChangeMessageVisibility');
  });

  it('gives the consumer the stage timeout and memory, and Powertools its env names', () => {
    expect(consumerFunction(stage).Properties).toMatchObject({
      Timeout: config.consumer.timeout.toSeconds(),
      MemorySize: config.consumer.memorySizeMb,
      Environment: {
        Variables: expect.objectContaining({
          POWERTOOLS_SERVICE_NAME: 'orders-consumer',
          POWERTOOLS_METRICS_NAMESPACE: 'OrdersPipeline',
          POWERTOOLS_LOG_LEVEL: config.logLevels.application,
        }),
      },
    });
  });

  it('lets the API function only send to the queue and use the idempotency table', () => {
    expect(grantedActions(stage, apiFunction(stage).logicalId)).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'sqs:SendMessage',
    ]);
  });

  it('lets the consumer only batch-read/write orders, consume its queue and send to the DLQ', () => {
    expect(grantedActions(stage, consumerFunction(stage).logicalId)).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ReceiveMessage',
      'sqs:SendMessage',
    ]);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [deadLetterQueue(stage).logicalId, 'Arn'] } }),
        ]),
      },
    });
  });

  it('grants no wildcard action anywhere', () => {
    const actions = Object.values(resourcesOfType(template, 'AWS::IAM::Policy'))
      .flatMap((policy) => (propertiesOf(policy).PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement)
      .flatMap((statement) => [statement.Action].flat());
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
  });

  it('keys orders by PK/SK on demand and expires idempotency records by TTL', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: config.pointInTimeRecovery },
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    });
  });

  it(`${stage === 'prod' ? 'retains' : 'deletes'} the orders table when the stack is deleted`, () => {
    const table = onlyResource(template, 'AWS::DynamoDB::Table', {
      KeySchema: Match.arrayWith([{ AttributeName: 'PK', KeyType: 'HASH' }]),
    });
    expect(table.DeletionPolicy).toBe(stage === 'prod' ? 'Retain' : 'Delete');
  });

  it(`${stage === 'prod' ? 'turns on' : 'leaves off'} deletion protection on both tables`, () => {
    const tables = Object.values(resourcesOfType(template, 'AWS::DynamoDB::Table'));
    expect(tables).toHaveLength(2);
    for (const table of tables) expect(propertiesOf(table).DeletionProtectionEnabled).toBe(stage === 'prod');
  });

  it(`serves POST /orders and /orders/batch ${config.api.auth.type === 'iam' ? 'only to SigV4-signed callers' : 'openly (dev)'}, throttled`, () => {
    for (const routeKey of ['POST /orders', 'POST /orders/batch']) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: routeKey,
        AuthorizationType: config.api.auth.type === 'iam' ? 'AWS_IAM' : 'NONE',
      });
    }
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /openapi.json', AuthorizationType: 'NONE' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: {
        ThrottlingRateLimit: config.api.throttlingRateLimit,
        ThrottlingBurstLimit: config.api.throttlingBurstLimit,
      },
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  it('keeps the API access log as long as the stage config says (a year in prod, for audits)', () => {
    const stageResource = onlyResource(template, 'AWS::ApiGatewayV2::Stage', { StageName: '$default' });
    const destination = (stageResource.Properties.AccessLogSettings as { DestinationArn: { 'Fn::GetAtt': [string, string] } })
      .DestinationArn;
    const accessLogGroup = resourcesOfType(template, 'AWS::Logs::LogGroup')[destination['Fn::GetAtt'][0]];
    expect(propertiesOf(accessLogGroup).RetentionInDays).toBe({ dev: 7, staging: 30, prod: 365 }[stage]);
  });

  it("logs who called in every API access-log line, by the stage's auth, beside the source IP, route, status and latency", () => {
    const stageResource = onlyResource(template, 'AWS::ApiGatewayV2::Stage', { StageName: '$default' });
    const format = JSON.parse((stageResource.Properties.AccessLogSettings as { Format: string }).Format);
    const caller = {
      iam: { userArn: '$context.identity.userArn' },
      jwt: { jwtSubject: '$context.authorizer.claims.sub', authorizerError: '$context.authorizer.error' },
      none: {},
    }[config.api.auth.type];
    expect(format).toEqual({
      requestId: '$context.requestId',
      requestTime: '$context.requestTime',
      ...caller,
      ip: '$context.identity.sourceIp',
      routeKey: '$context.routeKey',
      status: '$context.status',
      integrationLatency: '$context.integrationLatency',
      integrationError: '$context.integrationErrorMessage',
    });
  });

  it("filters every function's logs at the stage's levels: the API's platform lines apart from the consumer's", () => {
    const functions = resourcesOfType(template, 'AWS::Lambda::Function');
    const loggingOf = (serviceName: string) =>
      Object.values(functions)
        .map((fn) => propertiesOf(fn))
        .filter(
          (properties) =>
            (properties.Environment as { Variables: Record<string, unknown> }).Variables.POWERTOOLS_SERVICE_NAME === serviceName,
        )
        .map((properties) => ({
          ...(properties.LoggingConfig as object),
          powertools: (properties.Environment as { Variables: Record<string, unknown> }).Variables.POWERTOOLS_LOG_LEVEL,
        }));
    const { application, requestFunctionsSystem, consumerSystem } = config.logLevels;
    const expected = (system: string) => [
      { LogFormat: 'JSON', ApplicationLogLevel: application, SystemLogLevel: system, LogGroup: expect.anything(), powertools: application },
    ];
    for (const service of ['orders-api', 'orders-status', 'orders-openapi'])
      expect(loggingOf(service)).toEqual(expected(requestFunctionsSystem));
    expect(loggingOf('orders-consumer')).toEqual(expected(consumerSystem));
  });

  it('serves GET /openapi.json from its own function, capped in concurrency and without queue or table permissions', () => {
    const route = onlyResource(template, 'AWS::ApiGatewayV2::Route', { RouteKey: 'GET /openapi.json' });
    const integrationId = (route.Properties.Target as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1].find(
      (part): part is { Ref: string } => typeof part === 'object' && part !== null && 'Ref' in part,
    )?.Ref;
    const integration = resourcesOfType(template, 'AWS::ApiGatewayV2::Integration')[integrationId ?? ''];
    const servingFunctionId = invokedFunction(template, propertiesOf(integration).IntegrationUri) ?? 'none';

    expect(servingFunctionId).not.toBe(apiFunction(stage).logicalId);
    const servingFunction = propertiesOf(resourcesOfType(template, 'AWS::Lambda::Function')[servingFunctionId]);
    expect(servingFunction.ReservedConcurrentExecutions).toBeGreaterThanOrEqual(1);
    expect(servingFunction.ReservedConcurrentExecutions).toBeLessThanOrEqual(5);
    expect(grantedActions(stage, servingFunctionId)).toEqual([]);
  });

  it(`serves GET /orders/{orderId} with the same auth as POST (${config.api.auth.type}) from a function that may only GetItem on the orders table`, () => {
    const route = onlyResource(template, 'AWS::ApiGatewayV2::Route', { RouteKey: 'GET /orders/{orderId}' });
    const post = onlyResource(template, 'AWS::ApiGatewayV2::Route', { RouteKey: 'POST /orders' });
    expect(route.Properties.AuthorizationType).toBe(post.Properties.AuthorizationType);
    expect(route.Properties.AuthorizerId).toEqual(post.Properties.AuthorizerId);

    const { logicalId } = orderStatusFunction(stage);
    const integrationId = (route.Properties.Target as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1].find(
      (part): part is { Ref: string } => typeof part === 'object' && part !== null && 'Ref' in part,
    )?.Ref;
    const integration = resourcesOfType(template, 'AWS::ApiGatewayV2::Integration')[integrationId ?? ''];
    expect(invokedFunction(template, propertiesOf(integration).IntegrationUri)).toBe(logicalId);

    const ordersTableId = onlyResource(template, 'AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
    }).logicalId;
    const roleRef = (propertiesOf(resourcesOfType(template, 'AWS::Lambda::Function')[logicalId]).Role as { 'Fn::GetAtt': string[] })[
      'Fn::GetAtt'
    ][0];
    const statements = Object.values(resourcesOfType(template, 'AWS::IAM::Policy'))
      .filter((policy) => (propertiesOf(policy).Roles as { Ref: string }[]).some((role) => role.Ref === roleRef))
      .flatMap(
        (policy) => (propertiesOf(policy).PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement,
      )
      .filter((statement) => ![statement.Action].flat().every((action) => action.startsWith('logs:') || action.startsWith('xray:')));
    expect(statements).toEqual([
      expect.objectContaining({ Action: 'dynamodb:GetItem', Effect: 'Allow', Resource: { 'Fn::GetAtt': [ordersTableId, 'Arn'] } }),
    ]);
  });

  it('exports the outputs that clients, the local runtime and the DLQ tooling read', () => {
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual([
      'AlarmTopicArn',
      'ApiUrl',
      'DeadLetterQueueUrl',
      'IdempotencyTableName',
      'OrdersTableName',
      'QueueUrl',
    ]);
  });

  it('leaves physical names to CloudFormation so stages can share an account', () => {
    const named = [
      ...Object.values(resourcesOfType(template, 'AWS::DynamoDB::Table')).filter((r) => r.Properties?.TableName),
      ...Object.values(resourcesOfType(template, 'AWS::SQS::Queue')).filter((r) => r.Properties?.QueueName),
      ...Object.values(resourcesOfType(template, 'AWS::Lambda::Function')).filter((r) => r.Properties?.FunctionName),
    ];
    expect(named).toEqual([]);
    expect(stack.stackName).toBe(`OrdersPipeline-${stage}`);
  });

  it('passes cdk-nag AwsSolutions with no unsuppressed error', () => {
    const errors = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'));
    expect(errors.map((error) => `${error.id}: ${String(error.entry.data).slice(0, 80)}`)).toEqual([]);
  });

  const alarmTopicRef = () => ({ Ref: Object.keys(template.findResources('AWS::SNS::Topic'))[0] });

  it(`alarms when the DLQ holds ${config.alarms.deadLetterMessages}+ visible message(s), notifying the alarm topic`, () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [deadLetterQueue(stage).logicalId, 'QueueName'] } }],
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: config.alarms.deadLetterMessages,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [alarmTopicRef()],
      OKActions: [alarmTopicRef()],
      AlarmDescription: Match.stringLikeRegexp(`npm run dlq -- redrive --stage ${stage}`),
    });
  });

  it(`alarms when the oldest queued order is older than ${config.alarms.oldestMessageAge.toMinutes()} min`, () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [mainQueue(stage).logicalId, 'QueueName'] } }],
      Threshold: config.alarms.oldestMessageAge.toSeconds(),
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [alarmTopicRef()],
      OKActions: [alarmTopicRef()],
    });
  });

  it('has one TLS-only alarm topic, with no e-mail subscription unless configured (the other alarms: observability.test.ts)', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      }),
    });
  });

  it('denies every action on the alarm topic, not only Publish, to anyone without TLS', () => {
    const policy = onlyResource(template, 'AWS::SNS::TopicPolicy');
    const statements = (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Principal: '*',
        Action: 'sns:*',
        Resource: alarmTopicRef(),
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  it('gives every cdk-nag suppression a reason of substance', () => {
    const suppressions = Object.values(
      template.toJSON().Resources as Record<string, { Metadata?: { cdk_nag?: { rules_to_suppress: { id: string; reason: string }[] } } }>,
    ).flatMap((resource) => resource.Metadata?.cdk_nag?.rules_to_suppress ?? []);
    expect(suppressions.length).toBeGreaterThan(0);
    const thin = suppressions.filter(({ reason }) => reason.length < 60).map(({ id }) => id);
    expect(thin).toEqual([]);
  });
});

describe('OrdersPipelineStack with a JWT issuer in the stage config', () => {
  it('protects the write routes with a JWT authorizer for that issuer and audience', () => {
    const app = new App();
    const base = getStageConfig('prod');
    const stack = new OrdersPipelineStack(app, 'OrdersPipeline-jwt', {
      config: { ...base, api: { ...base.api, auth: { type: 'jwt', issuer: 'https://issuer.example.com', audience: ['orders-api'] } } },
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: 'https://issuer.example.com', Audience: ['orders-api'] },
    });
    for (const routeKey of ['POST /orders', 'POST /orders/batch']) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: routeKey, AuthorizationType: 'JWT' });
    }
  });
});

describe('OrdersPipelineStack with provisioned pollers in the stage config', () => {
  it('runs the SQS mapping in provisioned mode, without MaximumConcurrency (AWS refuses both)', () => {
    const app = new App();
    const base = getStageConfig('prod');
    const stack = new OrdersPipelineStack(app, 'OrdersPipeline-provisioned', {
      config: { ...base, consumer: { ...base.consumer, provisionedPollers: { minimum: 5, maximum: 100 } } },
    });
    const mapping = onlyResource(Template.fromStack(stack), 'AWS::Lambda::EventSourceMapping');
    expect(mapping.Properties.ProvisionedPollerConfig).toEqual({ MinimumPollers: 5, MaximumPollers: 100 });
    expect(mapping.Properties.ScalingConfig).toBeUndefined();
  });
});

describe('OrdersPipelineStack with a notification e-mail in the stage config', () => {
  it('subscribes that address to the alarm topic', () => {
    const app = new App();
    const base = getStageConfig('prod');
    const stack = new OrdersPipelineStack(app, 'OrdersPipeline-mail', {
      config: { ...base, alarms: { ...base.alarms, notificationEmail: 'oncall@example.com' } },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
  });
});

describe('OrdersPipelineStack Lambda permissions for API Gateway (Control Tower CT.LAMBDA.PR.2)', () => {
  const permissionsOf = (template: Template) => Object.values(resourcesOfType(template, 'AWS::Lambda::Permission')).map(propertiesOf);

  it('scope every invoke grant to this API and to the deploying account, as a literal the cfn-guard rule accepts', () => {
    const app = new App();
    const { stack } = addStage(app, 'prod', { account: '123456789012', region: 'eu-west-1' });
    const template = Template.fromStack(stack);
    const apiId = Object.keys(resourcesOfType(template, 'AWS::ApiGatewayV2::Api'))[0];
    const permissions = permissionsOf(template);

    // One per route: POST /orders, POST /orders/batch, GET /orders/{orderId}, GET /openapi.json.
    expect(permissions).toHaveLength(4);
    for (const permission of permissions) {
      expect(permission).toMatchObject({ Principal: 'apigateway.amazonaws.com', SourceAccount: '123456789012' });
      expect(JSON.stringify(permission.SourceArn)).toContain(`":execute-api:eu-west-1:123456789012:",{"Ref":"${apiId}"}`);
    }
  });

  it('names the account by AWS::AccountId when synthesized without one', () => {
    for (const permission of permissionsOf(synthStage('dev').template)) {
      expect(permission.SourceAccount).toEqual({ Ref: 'AWS::AccountId' });
    }
  });
});

describe('stage config', () => {
  it('refuses an unknown stage and lists the valid ones', () => {
    expect(() => getStageConfig('qa')).toThrow('Unknown stage "qa". Valid stages: dev, staging, prod.');
  });

  it('never sets a batch size above 10 without a batching window (AWS rejects it)', () => {
    for (const stage of STAGE_NAMES) {
      const { consumer } = getStageConfig(stage);
      expect(consumer.batchSize <= 10 || consumer.maxBatchingWindow.toSeconds() > 0).toBe(true);
    }
  });
});
