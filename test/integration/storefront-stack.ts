import * as path from 'node:path';
import { App, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import { CorsHttpMethod, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { type StageAssembly, synthesizeStack } from '../../local-runtime';

export const STOREFRONT_ORIGIN = 'https://shop.example.com';

/**
 * A browser storefront's stack, not this project's: an HTTP API with CORS, routes whose template order is not their
 * precedence (a greedy one first), an ANY route, and a function that sends to a queue the way most apps do.
 */
export const synthesizeStorefront = (outdir: string): StageAssembly => {
  const app = new App({ outdir });
  const stack = new Stack(app, 'Storefront', { env: { account: '000000000000', region: 'us-east-1' } });
  const queue = new Queue(stack, 'StorefrontQueue');
  const fn = new LambdaFunction(stack, 'StorefrontFunction', {
    runtime: Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: Code.fromAsset(path.join(__dirname, 'storefront-function')),
    environment: { QUEUE_URL: queue.queueUrl, QUEUE_NAME: queue.queueName },
  });
  queue.grantSendMessages(fn);
  const api = new HttpApi(stack, 'StorefrontApi', {
    corsPreflight: {
      allowOrigins: [STOREFRONT_ORIGIN],
      allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST],
      allowHeaders: ['content-type'],
      exposeHeaders: ['apigw-requestid'],
      maxAge: Duration.minutes(10),
    },
  });
  const integration = new HttpLambdaIntegration('StorefrontIntegration', fn);
  api.addRoutes({ path: '/items/{proxy+}', methods: [HttpMethod.GET], integration });
  api.addRoutes({ path: '/items/{id}', methods: [HttpMethod.GET], integration });
  api.addRoutes({ path: '/items/special', methods: [HttpMethod.GET], integration });
  api.addRoutes({ path: '/files/{proxy+}', methods: [HttpMethod.ANY], integration });
  api.addRoutes({ path: '/send', methods: [HttpMethod.POST], integration });
  new CfnOutput(stack, 'ApiUrl', { value: api.url ?? '' });
  new CfnOutput(stack, 'ApiEndpoint', { value: api.apiEndpoint });
  return synthesizeStack(app, stack);
};
