import type { CfnTemplate } from '../../../local-runtime';
import { type BannerFacts, startBanner } from '../../../local-runtime/start-banner';

const route = (routeKey: string) => ({
  Type: 'AWS::ApiGatewayV2::Route',
  Properties: { RouteKey: routeKey, AuthorizationType: 'NONE', Target: { 'Fn::Join': ['', ['integrations/', { Ref: 'Integration' }]] } },
});

const factsFor = (template: CfnTemplate, outputs: Record<string, string>, stage?: string): BannerFacts => ({
  runtime: {
    stackName: 'Shop',
    assembly: { stackName: 'Shop', template, builds: {}, assetDir: () => '' },
    resources: new Map([
      ['Orders', { ref: 'Shop-Orders', attributes: {} }],
      ['Jobs', { ref: 'http://127.0.0.1:4566/000000000000/Shop-Jobs', attributes: {} }],
    ]),
    outputs: { DynamoDbEndpoint: 'http://127.0.0.1:8000', SqsEndpoint: 'http://127.0.0.1:4566', ...outputs },
    apiUrl: 'http://127.0.0.1:3000',
    apiHttpsUrl: 'https://127.0.0.1:3443',
    dashboardUrl: 'http://127.0.0.1:3001',
    certificateFile: '/data/tls/cert.pem',
    outputsFile: '/data/outputs.json',
    logDir: '/data/logs',
  },
  stage,
  readySeconds: 2.5,
  watch: false,
  cwd: '/data',
  sampleOrderFile: '/data/order.json',
});

const template: CfnTemplate = {
  Resources: {
    Orders: { Type: 'AWS::DynamoDB::Table' },
    Jobs: { Type: 'AWS::SQS::Queue' },
    Integration: { Type: 'AWS::ApiGatewayV2::Integration', Properties: { IntegrationUri: { 'Fn::GetAtt': ['Worker', 'Arn'] } } },
    PostOrders: route('POST /orders'),
  },
};

describe('start-banner', () => {
  it("names another app's stack, its routes, tables and queues from the template, with no curl example of this project's", () => {
    const banner = startBanner(factsFor(template, {}));
    expect(banner).toContain('Shop is running locally (ready in 2.5 s)');
    expect(banner).toContain('  API        http://127.0.0.1:3000  (1 route: POST /orders)');
    expect(banner).toContain('  DynamoDB   http://127.0.0.1:8000  tables Shop-Orders');
    expect(banner).toContain('  SQS        http://127.0.0.1:4566  queues http://127.0.0.1:4566/000000000000/Shop-Jobs');
    expect(banner).not.toContain('Try it');
  });

  it("shows this project's stage and how to try it when the stack has its orders table and POST /orders", () => {
    const banner = startBanner(factsFor(template, { OrdersTableName: 'Shop-Orders' }, 'dev'));
    expect(banner).toContain('orders-pipeline dev is running locally');
    expect(banner).toContain("curl -i -X POST http://127.0.0.1:3000/orders -H 'content-type: application/json' -d @order.json");
    expect(banner).toContain('dynamodb scan --table-name Shop-Orders');
  });
});
