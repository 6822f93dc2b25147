import { itemBytes, requestUnitsOf } from '../../../local-runtime/dynamodb-capacity';
import { accessLogFormat } from '../../../infra/constructs/access-log-format';
import { accessLogBytesPerRequest, lambdaPlatformBytesPerInvocation } from '../../../load/lib/cloudwatch-log-lines';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  US_EAST_1_PRICES,
  costPerMillionOrders,
  formatLogBytesPerOrder,
  ingestedLogBytes,
  ingestedLogBytesByKind,
  measuredCostPerMillion,
  naiveUsage,
  writeUnitsToStore,
} from '../../../load/lib/cost-model';
import { totalLogBytes } from '../../../load/lib/log-line-kinds';

describe('DynamoDB request units from the wire', () => {
  it('sizes items by the DynamoDB rules: names plus values', () => {
    // "PK"(2) + "ORDER#1"(7) + "n"(1) + 12345 → 3 digits-pairs + 1 = 4; "l"(1) + list 3 + (1 + "ab" 2)
    expect(itemBytes({ PK: { S: 'ORDER#1' }, n: { N: '12345' }, l: { L: [{ S: 'ab' }] } })).toBe(2 + 7 + 1 + 4 + 1 + 3 + 1 + 2);
  });

  it('bills one write unit per KB (rounded up) of each item in a BatchWriteItem', () => {
    const small = { PutRequest: { Item: { PK: { S: 'a' } } } };
    const large = { PutRequest: { Item: { PK: { S: 'b' }, blob: { S: 'x'.repeat(1500) } } } };
    expect(requestUnitsOf('BatchWriteItem', JSON.stringify({ RequestItems: { orders: [small, large] } }))).toEqual({
      readUnits: 0,
      writeUnits: 3,
    });
  });

  it('bills one read unit per key of a consistent BatchGetItem, half for an eventual one', () => {
    const keys = [{ PK: { S: 'a' } }, { PK: { S: 'b' } }];
    expect(requestUnitsOf('BatchGetItem', JSON.stringify({ RequestItems: { orders: { Keys: keys, ConsistentRead: true } } }))).toEqual({
      readUnits: 2,
      writeUnits: 0,
    });
    expect(requestUnitsOf('BatchGetItem', JSON.stringify({ RequestItems: { orders: { Keys: keys } } }))).toEqual({
      readUnits: 1,
      writeUnits: 0,
    });
  });

  it('bills nothing for what it cannot parse or does not know', () => {
    expect(requestUnitsOf('PutItem', 'not json')).toEqual({ readUnits: 0, writeUnits: 0 });
    expect(requestUnitsOf('DescribeTable', '{}')).toEqual({ readUnits: 0, writeUnits: 0 });
  });
});

describe('cost per million orders', () => {
  const usage = {
    orders: 1000,
    apiRequests: 1000,
    functions: {
      ApiFunction: { invocations: 1000, durationMs: 20_000, initDurationMs: 4_000, memorySizeMb: 256 },
      ConsumerFunction: { invocations: 10, durationMs: 3_000, initDurationMs: 1_000, memorySizeMb: 512 },
    },
    sqsRequests: 1200,
    dynamoDbReadUnits: 1000,
    dynamoDbWriteUnits: 1000,
    logBytes: 1024 ** 3 / 1000,
    accessLogBytesPerRequest: 200,
  };

  it('prices each service from the counted units', () => {
    const cost = costPerMillionOrders(usage);
    expect(cost.httpApi).toBeCloseTo(1.0);
    expect(cost.lambdaRequests).toBeCloseTo((1010 * 0.2) / 1000);
    expect(cost.lambdaDuration).toBeCloseTo(((20 * 0.25 + 3 * 0.5) * US_EAST_1_PRICES.lambdaArmGbSecond * 1e6) / 1000);
    expect(cost.lambdaInit).toBeCloseTo(((4 * 0.25 + 1 * 0.5) * US_EAST_1_PRICES.lambdaArmGbSecond * 1e6) / 1000);
    expect(cost.sqs).toBeCloseTo(1.2 * 0.4);
    expect(cost.dynamoDb).toBeCloseTo(0.625 + 0.125);
    const ingested = 1024 ** 3 / 1000 + 1010 * lambdaPlatformBytesPerInvocation('INFO') + 1000 * 200;
    expect(cost.logs).toBeCloseTo((ingested / 1024 ** 3) * 0.5 * 1000);
    expect(cost.total).toBeCloseTo(
      cost.httpApi + cost.lambdaRequests + cost.lambdaDuration + cost.lambdaInit + cost.sqs + cost.dynamoDb + cost.logs,
    );
  });

  it("prices log ingestion at $0.50 per GB, counting Lambda's lines per invocation and an access-log line per request", () => {
    const silent = { ...usage, logBytes: 0 };
    expect(ingestedLogBytes(silent)).toBe(1010 * lambdaPlatformBytesPerInvocation('INFO') + 1000 * 200);
    // A platform.start and a platform.report line: a few hundred bytes each.
    expect(lambdaPlatformBytesPerInvocation('INFO')).toBeGreaterThan(400);
    expect(costPerMillionOrders(silent).logs).toBeCloseTo((ingestedLogBytes(silent) / 1024 ** 3) * US_EAST_1_PRICES.logsIngestionGb * 1000);
    expect(US_EAST_1_PRICES.logsIngestionGb).toBe(0.5);
  });

  it('splits the ingested log bytes by line kind, the kinds adding up to the ingested total', () => {
    const written = { apiRequest: 500_000, emf: 300_000, consumerBatch: 20_000, lambdaPlatform: 0, accessLog: 0, other: 1_000 };
    const byKind = ingestedLogBytesByKind({ ...usage, logBytes: totalLogBytes(written) }, written);

    expect(totalLogBytes(byKind)).toBe(ingestedLogBytes({ ...usage, logBytes: totalLogBytes(written) }));
    expect(byKind).toEqual({ ...written, lambdaPlatform: 1010 * lambdaPlatformBytesPerInvocation('INFO'), accessLog: 1000 * 200 });
  });

  it("counts Lambda's platform lines at each function's SystemLogLevel, as Lambda sends them", () => {
    const atLevels = (api: 'DEBUG' | 'INFO' | 'WARN', consumer: 'DEBUG' | 'INFO' | 'WARN') => ({
      ...usage,
      logBytes: 0,
      accessLogBytesPerRequest: 0,
      functions: {
        ApiFunction: { ...usage.functions.ApiFunction, systemLogLevel: api },
        ConsumerFunction: { ...usage.functions.ConsumerFunction, systemLogLevel: consumer },
      },
    });
    // WARN: a successful invocation sends none; DEBUG adds platform.runtimeDone to INFO's start and report.
    expect(lambdaPlatformBytesPerInvocation('WARN')).toBe(0);
    expect(lambdaPlatformBytesPerInvocation('DEBUG')).toBeGreaterThan(lambdaPlatformBytesPerInvocation('INFO'));
    expect(lambdaPlatformBytesPerInvocation()).toBe(lambdaPlatformBytesPerInvocation('INFO'));
    expect(ingestedLogBytes(atLevels('WARN', 'INFO'))).toBe(10 * lambdaPlatformBytesPerInvocation('INFO'));
    expect(ingestedLogBytes(atLevels('INFO', 'WARN'))).toBe(1000 * lambdaPlatformBytesPerInvocation('INFO'));
    expect(ingestedLogBytes(atLevels('DEBUG', 'DEBUG'))).toBe(1010 * lambdaPlatformBytesPerInvocation('DEBUG'));
  });

  it("sizes the access-log line from the stage's format: an IAM stage's names the caller, an open stage's does not", () => {
    const open = accessLogBytesPerRequest(accessLogFormat({ type: 'none' }));
    const iam = accessLogBytesPerRequest(accessLogFormat({ type: 'iam' }));
    expect(open).toBeGreaterThan(100);
    expect(iam - open).toBe(Buffer.byteLength(',"userArn":"arn:aws:sts::123456789012:assumed-role/orders-client/orders-client"'));
    expect(accessLogBytesPerRequest(undefined)).toBe(0);
    expect(() => accessLogBytesPerRequest('{"agent":"$context.identity.userAgent"}')).toThrow(
      /uses \$context\.identity\.userAgent, which load\/lib\/cloudwatch-log-lines\.ts has no example value for: add one/,
    );
  });

  it('prints bytes per order by kind and their total, marking the kinds estimated rather than measured', () => {
    expect(
      formatLogBytesPerOrder({ apiRequest: 500.4, emf: 300, consumerBatch: 20, lambdaPlatform: 600, accessLog: 480.2, other: 0 }),
    ).toBe(
      '1,901 B per order = API request 500, EMF 300, consumer batch 20, Lambda platform 600 (estimated), access log 480 (estimated), other 0',
    );
  });

  it('bills the INIT time of cold starts as GB-s on top of handler time (AWS does since 2025-08-01)', () => {
    const warm = { ...usage, functions: { ApiFunction: { ...usage.functions.ApiFunction, initDurationMs: 0 } } };
    const cold = { ...usage, functions: { ApiFunction: { ...usage.functions.ApiFunction, initDurationMs: 20_000 } } };
    // 20 s of INIT at 256 MB doubles the GB-s of 20 s of handler time.
    expect(costPerMillionOrders(cold).total - costPerMillionOrders(warm).total).toBeCloseTo(costPerMillionOrders(warm).lambdaDuration);
    expect(costPerMillionOrders(warm).lambdaInit).toBe(0);
  });

  it('models the naive design as the API function alone, writing each stored order once', () => {
    const naive = naiveUsage(usage, 'ApiFunction', 1000, 100);
    expect(naive).toMatchObject({ apiRequests: 1000, sqsRequests: 0, dynamoDbReadUnits: 0, dynamoDbWriteUnits: 1000, logBytes: 100 });
    expect(Object.keys(naive.functions)).toEqual(['ApiFunction']);
  });

  it('gives the naive design one request and invocation per order even when the run used batch intake', () => {
    const batched = {
      ...usage,
      apiRequests: 40,
      functions: { ApiFunction: { invocations: 40, durationMs: 4_000, initDurationMs: 900, memorySizeMb: 256 } },
    };
    const naive = naiveUsage(batched, 'ApiFunction', 1000, 40 * 200);
    expect(naive.apiRequests).toBe(1000);
    expect(naive.functions.ApiFunction).toEqual({ invocations: 1000, durationMs: 4_000, initDurationMs: 900, memorySizeMb: 256 });
    expect(naive.logBytes).toBe(1000 * 200);
  });

  it('counts the write units of stored orders by their marshalled size', () => {
    expect(writeUnitsToStore([{ PK: 'a' }, { PK: 'b', blob: 'x'.repeat(2000) }])).toBe(1 + 2);
  });
});

describe('measuredCostPerMillion', () => {
  it("splits the run's log bytes per order by line kind without changing the log-ingestion cost they add up to", () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'orders-cost-model-'));
    try {
      const emf = '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[]},"service":"orders-api","ordersAccepted":1}\n';
      const accepted = '{"level":"INFO","message":"order accepted","service":"orders-api","orderId":"o-1"}\n';
      const batch = '{"level":"INFO","message":"batch processed","service":"orders-consumer","records":2}\n';
      const apiLog = `${emf}${accepted}${emf}${accepted}`;
      const consumerLog = `${batch}${emf}`;
      const logs = path.join(dataDir, 'logs');
      mkdirSync(logs);
      writeFileSync(path.join(logs, 'ApiFunctionAB12CD34.log'), apiLog);
      writeFileSync(path.join(logs, 'ConsumerFunctionAB12CD34.log'), consumerLog);
      const runtime = {
        usage: () => ({
          functions: {
            ApiFunctionAB12CD34: { invocations: 2, durationMs: 40, initDurationMs: 0, memorySizeMb: 256, systemLogLevel: 'WARN' },
            ConsumerFunctionAB12CD34: { invocations: 1, durationMs: 30, initDurationMs: 0, memorySizeMb: 512, systemLogLevel: 'INFO' },
          },
          sqsRequests: 3,
          dynamoDbReadUnits: 2,
          dynamoDbWriteUnits: 2,
        }),
        // The stage that ran: only its access-log format is read here.
        assembly: {
          template: {
            Resources: {
              HttpApiDefaultStage: {
                Type: 'AWS::ApiGatewayV2::Stage',
                Properties: { AccessLogSettings: { Format: accessLogFormat({ type: 'none' }) } },
              },
            },
          },
        },
      } as unknown as Parameters<typeof measuredCostPerMillion>[0];
      const orders = 2;

      const { pipeline, logBytesPerOrder } = measuredCostPerMillion(runtime, dataDir, orders, []);
      // The API's platform lines are below its WARN level; the consumer's one invocation sends its pair.
      const ingested =
        apiLog.length +
        consumerLog.length +
        lambdaPlatformBytesPerInvocation('INFO') +
        2 * accessLogBytesPerRequest(accessLogFormat({ type: 'none' }));

      expect(totalLogBytes(logBytesPerOrder) * orders).toBeCloseTo(ingested, 6);
      expect(pipeline.logs).toBeCloseTo(((ingested / 1024 ** 3) * US_EAST_1_PRICES.logsIngestionGb * 1e6) / orders, 9);
      expect(logBytesPerOrder.emf * orders).toBe(3 * emf.length);
      expect(logBytesPerOrder.apiRequest * orders).toBe(2 * accepted.length);
      expect(logBytesPerOrder.consumerBatch * orders).toBe(batch.length);
      expect(logBytesPerOrder.lambdaPlatform * orders).toBe(lambdaPlatformBytesPerInvocation('INFO'));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
