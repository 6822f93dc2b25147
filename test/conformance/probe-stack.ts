import * as path from 'node:path';
import { App, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Code, Function as LambdaFunction, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { type StageAssembly, synthesizeStack } from '../../local-runtime';

export const PROBE_STACK_NAME = 'ConformanceProbe';
/** The probe's function timeout, and the shorter integration timeout of its /slow routes. */
export const PROBE_TIMEOUT_SECONDS = 3;
export const SLOW_INTEGRATION_TIMEOUT_MS = 1_000;

/**
 * One function behind an HTTP API (open routes, an IAM route, a short-integration-timeout route) and an SQS queue
 * with a DLQ, configured as the pipeline's functions are (JSON logs, a custom log group, active tracing): the local
 * runtime runs this synthesized assembly exactly as it runs the pipeline's.
 */
export const synthesizeProbe = (outdir: string): StageAssembly => {
  const app = new App({ outdir });
  const stack = new Stack(app, PROBE_STACK_NAME, { env: { account: '000000000000', region: 'us-east-1' } });
  const probe = new LambdaFunction(stack, 'ProbeFunction', {
    runtime: Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: Code.fromAsset(path.join(__dirname, 'probe')),
    memorySize: 256,
    timeout: Duration.seconds(PROBE_TIMEOUT_SECONDS),
    loggingFormat: LoggingFormat.JSON,
    logGroup: new LogGroup(stack, 'ProbeLogs', { retention: RetentionDays.ONE_DAY }),
    tracing: Tracing.ACTIVE,
  });
  const api = new HttpApi(stack, 'ProbeApi');
  const integration = new HttpLambdaIntegration('ProbeIntegration', probe);
  api.addRoutes({ path: '/probe/{mode}', methods: [HttpMethod.GET, HttpMethod.POST], integration });
  api.addRoutes({
    path: '/slow/{mode}',
    methods: [HttpMethod.GET],
    integration: new HttpLambdaIntegration('SlowIntegration', probe, { timeout: Duration.millis(SLOW_INTEGRATION_TIMEOUT_MS) }),
  });
  api.addRoutes({ path: '/iam/{mode}', methods: [HttpMethod.GET, HttpMethod.POST], integration, authorizer: new HttpIamAuthorizer() });

  const deadLetters = new Queue(stack, 'ProbeDeadLetters');
  const queue = new Queue(stack, 'ProbeQueue', {
    visibilityTimeout: Duration.seconds(PROBE_TIMEOUT_SECONDS * 2),
    deadLetterQueue: { queue: deadLetters, maxReceiveCount: 1 },
  });
  probe.addEventSource(new SqsEventSource(queue, { batchSize: 10, reportBatchItemFailures: true }));
  new CfnOutput(stack, 'ProbeQueueUrl', { value: queue.queueUrl });
  new CfnOutput(stack, 'ProbeDeadLetterQueueUrl', { value: deadLetters.queueUrl });
  return synthesizeStack(app, stack);
};
