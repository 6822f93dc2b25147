import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { type Alias, CfnPermission, MetricType } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ENV } from '../../shared-layer/src/tooling';
import { redeliveryBackoffFor } from '../../shared-layer/src/tooling';
import type { ApiAuth, StageConfig } from '../config/stages';
import { accessLogFormat } from '../constructs/access-log-format';
import { SafeDeployments, liveAliasOf } from '../constructs/live-alias';
import { PipelineAlarms } from '../constructs/pipeline-alarms';
import { PipelineFunction } from '../constructs/pipeline-function';
import { PipelineObservability } from '../constructs/pipeline-observability';
import { QueueWithDeadLetter } from '../constructs/queue-with-dead-letter';
import { SharedLayer } from '../constructs/shared-layer';
import { addNagSuppressions } from './nag-suppressions';

const authorizerFor = (auth: ApiAuth) => {
  switch (auth.type) {
    case 'none':
      return undefined;
    case 'iam':
      return new HttpIamAuthorizer();
    case 'jwt':
      return new HttpJwtAuthorizer('JwtAuthorizer', auth.issuer, { jwtAudience: [...auth.audience] });
  }
};

export interface OrdersPipelineStackProps extends StackProps {
  readonly config: StageConfig;
}

/**
 * GET /openapi.json runs on its own function so that a flood of reads cannot take concurrency from order intake;
 * two environments serve a static document comfortably, and more would only widen what a flood can consume.
 */
const OPEN_API_RESERVED_CONCURRENCY = 2;
const OPEN_API_TIMEOUT = Duration.seconds(3);
/** One GetItem per request: a timeout that fails fast behind the 30 s integration limit. */
const ORDER_STATUS_TIMEOUT = Duration.seconds(5);

/** Actions Powertools idempotency performs on its table (DynamoDBPersistenceLayer). */
const IDEMPOTENCY_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];
/** The consumer writes orders in batches and reads them back in batches to skip those already stored. */
const CONSUMER_TABLE_ACTIONS = ['dynamodb:BatchWriteItem', 'dynamodb:BatchGetItem'];

export class OrdersPipelineStack extends Stack {
  constructor(scope: Construct, id: string, props: OrdersPipelineStackProps) {
    super(scope, id, props);
    const { config } = props;

    const ordersTable = new Table(this, 'OrdersTable', {
      partitionKey: { name: 'PK', type: AttributeType.STRING },
      sortKey: { name: 'SK', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: config.pointInTimeRecovery },
      removalPolicy: config.removalPolicy,
      deletionProtection: config.deletionProtection,
    });

    // Holds only short-lived request records (Powertools expires them after an hour): no PITR needed.
    const idempotencyTable = new Table(this, 'IdempotencyTable', {
      partitionKey: { name: 'id', type: AttributeType.STRING },
      timeToLiveAttribute: 'expiration',
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: config.removalPolicy,
      deletionProtection: config.deletionProtection,
    });

    const orderQueues = new QueueWithDeadLetter(this, 'OrderQueue', {
      consumerTimeout: config.consumer.timeout,
      maxBatchingWindow: config.consumer.maxBatchingWindow,
      maxReceiveCount: config.maxReceiveCount,
      removalPolicy: config.removalPolicy,
    });

    const sharedLayer = new SharedLayer(this, 'SharedLayer');
    const common = { sharedLayer, logRetention: config.logRetention, logRemovalPolicy: config.removalPolicy };
    const requestFunctionLogLevels = { application: config.logLevels.application, system: config.logLevels.requestFunctionsSystem };

    const apiFunction = new PipelineFunction(this, 'ApiFunction', {
      ...common,
      logLevels: requestFunctionLogLevels,
      functionDir: 'api',
      serviceName: 'orders-api',
      description: 'Validates POST /orders and enqueues accepted orders',
      settings: config.api,
      environment: {
        [ENV.QUEUE_URL]: orderQueues.queue.queueUrl,
        [ENV.IDEMPOTENCY_TABLE_NAME]: idempotencyTable.tableName,
      },
    });
    apiFunction.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [orderQueues.queue.queueArn] }));
    apiFunction.addToRolePolicy(new PolicyStatement({ actions: IDEMPOTENCY_TABLE_ACTIONS, resources: [idempotencyTable.tableArn] }));

    const openApiFunction = new PipelineFunction(this, 'OpenApiFunction', {
      ...common,
      logLevels: requestFunctionLogLevels,
      functionDir: 'openapi',
      serviceName: 'orders-openapi',
      description: 'Serves GET /openapi.json; no access to the queue or the tables',
      settings: { memorySizeMb: config.readFunctionsMemoryMb.openApi, timeout: OPEN_API_TIMEOUT },
      reservedConcurrency: OPEN_API_RESERVED_CONCURRENCY,
    });

    const orderStatusFunction = new PipelineFunction(this, 'OrderStatusFunction', {
      ...common,
      logLevels: requestFunctionLogLevels,
      functionDir: 'order-status',
      serviceName: 'orders-status',
      description: 'Serves GET /orders/{orderId}; may only GetItem on the orders table',
      settings: { memorySizeMb: config.readFunctionsMemoryMb.orderStatus, timeout: ORDER_STATUS_TIMEOUT },
      environment: { [ENV.ORDERS_TABLE_NAME]: ordersTable.tableName },
    });
    orderStatusFunction.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [ordersTable.tableArn] }));

    const consumerFunction = new PipelineFunction(this, 'ConsumerFunction', {
      ...common,
      logLevels: { application: config.logLevels.application, system: config.logLevels.consumerSystem },
      functionDir: 'consumer',
      serviceName: 'orders-consumer',
      description: 'Stores queued orders in DynamoDB in batches, exactly once',
      settings: config.consumer,
      environment: {
        [ENV.ORDERS_TABLE_NAME]: ordersTable.tableName,
        [ENV.DEAD_LETTER_QUEUE_URL]: orderQueues.deadLetterQueue.queueUrl,
        // Failed records are held back on their own queue (ChangeMessageVisibility, granted with the event source).
        [ENV.QUEUE_URL]: orderQueues.queue.queueUrl,
        [ENV.REDELIVERY_FIRST_DELAY_SECONDS]: String(
          redeliveryBackoffFor(config.consumer.throttleStormToOutlast.toSeconds(), config.maxReceiveCount).firstDelaySeconds,
        ),
      },
    });
    consumerFunction.addToRolePolicy(new PolicyStatement({ actions: CONSUMER_TABLE_ACTIONS, resources: [ordersTable.tableArn] }));
    // Non-retryable messages are dead-lettered by the consumer itself, with the reason attached.
    consumerFunction.addToRolePolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [orderQueues.deadLetterQueue.queueArn] }),
    );
    const orderEvents = new SqsEventSource(orderQueues.queue, {
      batchSize: config.consumer.batchSize,
      maxBatchingWindow: config.consumer.maxBatchingWindow,
      ...(config.consumer.provisionedPollers
        ? {
            provisionedPollerConfig: {
              minimumPollers: config.consumer.provisionedPollers.minimum,
              maximumPollers: config.consumer.provisionedPollers.maximum,
            },
          }
        : { maxConcurrency: config.consumer.maxConcurrency }),
      reportBatchItemFailures: true,
      // Polled, invoked, deleted and dropped messages as metrics (the dashboard's event source row).
      metricsConfig: { metrics: [MetricType.EVENT_COUNT] },
    });
    // Every caller invokes the `live` alias, never $LATEST: a deploy publishes a version and moves the alias to it, at
    // once or through CodeDeploy as the stage's deployment settings say.
    const apiLive = liveAliasOf(apiFunction);
    const orderStatusLive = liveAliasOf(orderStatusFunction);
    const openApiLive = liveAliasOf(openApiFunction);
    const consumerLive = liveAliasOf(consumerFunction);
    consumerLive.addEventSource(orderEvents);

    const httpApi = new HttpApi(this, 'HttpApi', {
      description: `orders-pipeline ${config.stageName}: order intake`,
      createDefaultStage: false,
    });
    new HttpStage(this, 'HttpApiDefaultStage', {
      httpApi,
      autoDeploy: true,
      throttle: { rateLimit: config.api.throttlingRateLimit, burstLimit: config.api.throttlingBurstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(
          new LogGroup(this, 'HttpApiAccessLogs', {
            retention: config.accessLogRetention,
            removalPolicy: config.removalPolicy,
          }),
        ),
        format: AccessLogFormat.custom(accessLogFormat(config.api.auth)),
      },
    });
    const intake = new HttpLambdaIntegration('IntakeIntegration', apiLive);
    const authorizer = authorizerFor(config.api.auth);
    const writeRoutes = [
      ...httpApi.addRoutes({ path: '/orders', methods: [HttpMethod.POST], integration: intake, authorizer }),
      ...httpApi.addRoutes({ path: '/orders/batch', methods: [HttpMethod.POST], integration: intake, authorizer }),
    ];
    // Same auth as POST: an order's content is as private as the request that sent it.
    const readRoutes = httpApi.addRoutes({
      path: '/orders/{orderId}',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('OrderStatusIntegration', orderStatusLive),
      authorizer,
    });
    // The API description is public on every stage: clients need it before they have credentials.
    const [openApiRoute] = httpApi.addRoutes({
      path: '/openapi.json',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('OpenApiIntegration', openApiLive),
    });

    // Control Tower's CT.LAMBDA.PR.2 (cfn-guard) accepts a service principal's grant only with a literal SourceAccount
    // or SourceArn; the route-scoped SourceArn is an Fn::Join. The account is literal whenever the stack has one
    // (cdk deploy sets CDK_DEFAULT_ACCOUNT), AWS::AccountId otherwise: the same scope either way.
    for (const permission of httpApi.node.findAll().filter((child): child is CfnPermission => child instanceof CfnPermission)) {
      permission.sourceAccount = this.account;
    }

    const alarms = new PipelineAlarms(this, 'Alarms', {
      stageName: config.stageName,
      queue: orderQueues.queue,
      deadLetterQueue: orderQueues.deadLetterQueue,
      ...config.alarms,
    });

    // Before the dashboard is built, which shows every alarm.
    const { deployment } = config;
    const newVersionAlarms =
      deployment.strategy === 'codedeploy'
        ? new Map(
            [apiLive, orderStatusLive, openApiLive, consumerLive].map((alias) => [
              alias,
              alarms.alarmOnNewVersion(alias, deployment.newVersionErrorsPerMinute),
            ]),
          )
        : undefined;

    const observability = new PipelineObservability(this, 'Observability', {
      config,
      alarms,
      httpApi,
      functions: [apiFunction, orderStatusFunction, openApiFunction, consumerFunction],
      consumer: consumerFunction,
      eventSourceMappingId: orderEvents.eventSourceMappingId,
      queue: orderQueues.queue,
      deadLetterQueue: orderQueues.deadLetterQueue,
      ordersTable,
      idempotencyTable,
    });

    // Each alias rolls back on its own new version's errors and on the stage alarms its function can set off.
    const rollbackAlarmsOf = (alias: Alias, stageAlarms: readonly IAlarm[]): IAlarm[] => {
      const own = newVersionAlarms?.get(alias);
      return own ? [own, ...stageAlarms] : [...stageAlarms];
    };
    const deployments =
      deployment.strategy === 'codedeploy'
        ? new SafeDeployments(this, 'Deployments', {
            stageName: config.stageName,
            deployment,
            aliases: [
              ...[apiLive, orderStatusLive, openApiLive].map((alias) => ({
                alias,
                shiftedAs: 'api' as const,
                rollbackAlarms: rollbackAlarmsOf(alias, [observability.apiServerErrorAlarm]),
              })),
              {
                alias: consumerLive,
                shiftedAs: 'consumer' as const,
                rollbackAlarms: rollbackAlarmsOf(consumerLive, [observability.consumerAlarms.errors, alarms.deadLetterAlarm]),
              },
            ],
          })
        : undefined;

    new CfnOutput(this, 'ApiUrl', { value: httpApi.apiEndpoint, description: 'POST orders to <ApiUrl>/orders' });
    new CfnOutput(this, 'QueueUrl', { value: orderQueues.queue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: orderQueues.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'OrdersTableName', { value: ordersTable.tableName });
    new CfnOutput(this, 'IdempotencyTableName', { value: idempotencyTable.tableName });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: alarms.topic.topicArn,
      description: 'Subscribe to get the stage alarms (docs/operations.md)',
    });

    addNagSuppressions({
      config,
      functions: [apiFunction, consumerFunction, openApiFunction, orderStatusFunction],
      ordersTable,
      idempotencyTable,
      authenticatedRoutes: [...writeRoutes, ...readRoutes],
      openApiRoute,
      alarmTopic: alarms.topic,
      codeDeployRole: deployments?.role,
    });
  }
}
