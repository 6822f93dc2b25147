import * as path from 'node:path';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  PutItemCommand,
  ScanCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createEphemeralDir } from '../../local-runtime';
import type { CfnTemplate } from '../../local-runtime/cloud-assembly';
import { EmulatorProcess } from '../../local-runtime/emulators/emulator-process';
import { provisionResources } from '../../local-runtime/provision';
import { eventually } from '../support/local-runtime-harness';

const EMULATORS = path.join(__dirname, '..', '..', 'local-runtime', 'emulators');
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const KEY_ARN = /^arn:aws:kms:us-east-1:000000000000:key\/[0-9a-f-]{36}$/;
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** What AWS answers: the error's name and message, or 'ok'. */
const outcome = (request: Promise<unknown>) =>
  request.then(
    () => 'ok',
    (error: Error) => `${error.name}: ${error.message}`,
  );

/**
 * The DynamoDB emulator process exactly as the local runtime starts it (dynalite and our extensions), with a
 * TTL sweep every second, driven with the AWS SDK v3 as the runtime, a handler or the AWS CLI drive it.
 */
describe('the local DynamoDB (dynalite process): TTL, encryption and deletion protection', () => {
  const data = createEphemeralDir('orders-dynamodb-');
  let emulator: EmulatorProcess | undefined;
  let dynamodb: DynamoDBClient;
  let sequence = 0;

  const start = async (port = 0) => {
    emulator = await EmulatorProcess.start({
      name: 'DynamoDB (dynalite)',
      script: path.join(EMULATORS, 'dynamodb-server.js'),
      port,
      portFlag: '--dynamodb-port',
      dataDir: path.join(data.path, 'dynamodb'),
      logFile: path.join(data.path, 'dynamodb.log'),
      env: { LOCAL_DYNAMODB_TTL_SWEEP_SECONDS: '1' },
    });
    dynamodb?.destroy();
    dynamodb = new DynamoDBClient({ region: 'us-east-1', endpoint: emulator.endpoint, credentials: CREDENTIALS });
  };

  beforeAll(() => start(), 30_000);

  afterAll(async () => {
    dynamodb?.destroy();
    await emulator?.stop();
    data.remove();
  }, 30_000);

  const createTable = async (extra: Partial<ConstructorParameters<typeof CreateTableCommand>[0]> = {}) => {
    const TableName = `table-${++sequence}`;
    const { TableDescription } = await dynamodb.send(
      new CreateTableCommand({
        TableName,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        ...extra,
      }),
    );
    return { TableName, TableDescription };
  };
  const enableTtl = (TableName: string, AttributeName = 'expiration') =>
    dynamodb.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled: true, AttributeName } }));
  const put = (TableName: string, id: string, expiration?: Record<string, unknown>) =>
    dynamodb.send(new PutItemCommand({ TableName, Item: { id: { S: id }, ...(expiration ? { expiration } : {}) } as never }));
  const ids = async (TableName: string) =>
    ((await dynamodb.send(new ScanCommand({ TableName }))).Items ?? []).map((item) => item.id.S).sort();
  const describeTtl = async (TableName: string) =>
    (await dynamodb.send(new DescribeTimeToLiveCommand({ TableName }))).TimeToLiveDescription;

  it('deletes, within a sweep, only the items whose TTL is a Number of epoch seconds in the past (at most five years)', async () => {
    const { TableName } = await createTable();
    const { TableName: withoutTtl } = await createTable();
    await enableTtl(TableName);
    const past = { N: String(nowSeconds() - 60) };
    await Promise.all([
      put(TableName, 'past', past),
      put(TableName, 'future', { N: String(nowSeconds() + 3600) }),
      put(TableName, 'string', { S: String(nowSeconds() - 60) }),
      put(TableName, 'map', { M: { at: { N: String(nowSeconds() - 60) } } }),
      put(TableName, 'six-years-ago', { N: String(nowSeconds() - 6 * 366 * 24 * 3600) }),
      put(TableName, 'none'),
      put(withoutTtl, 'past', past),
    ]);

    await eventually('the expired item to be swept', async () => !(await ids(TableName)).includes('past'), 5_000);
    // A second expired item, swept too, proves that at least one further sweep passed over the others.
    await put(TableName, 'past-2', { N: String(nowSeconds() - 1) });
    await eventually('the second expired item to be swept', async () => !(await ids(TableName)).includes('past-2'), 5_000);

    expect(await ids(TableName)).toEqual(['future', 'map', 'none', 'six-years-ago', 'string']);
    expect(await ids(withoutTtl)).toEqual(['past']);
  }, 20_000);

  it("answers UpdateTimeToLive and DescribeTimeToLive with AWS's shapes and refusals", async () => {
    const { TableName } = await createTable();
    expect(await describeTtl(TableName)).toEqual({ TimeToLiveStatus: 'DISABLED' });
    expect(
      await outcome(
        dynamodb.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled: false, AttributeName: 'expiration' } })),
      ),
    ).toBe('ValidationException: TimeToLive is already disabled');

    const enabled = await enableTtl(TableName);
    expect(enabled.TimeToLiveSpecification).toEqual({ Enabled: true, AttributeName: 'expiration' });
    expect(await describeTtl(TableName)).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiration' });

    expect(await outcome(enableTtl(TableName))).toBe('ValidationException: TimeToLive is already enabled');
    expect(await outcome(enableTtl(TableName, 'expiresAt'))).toBe(
      'ValidationException: TimeToLive is active on a different AttributeName: current AttributeName is expiration',
    );
    expect(
      await outcome(
        dynamodb.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled: false, AttributeName: 'expiration' } })),
      ),
    ).toBe('ValidationException: Time to live has been modified multiple times within a fixed interval');
    expect(await outcome(enableTtl(TableName, ''))).toBe(
      "ValidationException: 1 validation error detected: Value '' at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    expect(await outcome(enableTtl('no-such-table'))).toBe(
      'ResourceNotFoundException: Requested resource not found: Table: no-such-table not found',
    );
  });

  it('keeps the TTL setting, its one-hour interval and the swept items across a restart on the same data', async () => {
    const { TableName } = await createTable();
    await enableTtl(TableName);
    await put(TableName, 'expired', { N: String(nowSeconds() - 5) });
    await eventually('the expired item to be swept', async () => (await ids(TableName)).length === 0, 5_000);
    const port = emulator?.port;

    await emulator?.stop();
    await start(port);

    expect(await describeTtl(TableName)).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiration' });
    expect(
      await outcome(
        dynamodb.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled: false, AttributeName: 'expiration' } })),
      ),
    ).toBe('ValidationException: Time to live has been modified multiple times within a fixed interval');
    expect(await ids(TableName)).toEqual([]);
  }, 30_000);

  it('forgets the TTL setting of a deleted table when a table of the same name is created', async () => {
    const { TableName } = await createTable();
    await enableTtl(TableName);
    await dynamodb.send(new DeleteTableCommand({ TableName }));
    await eventually('the table to be gone', async () =>
      outcome(dynamodb.send(new DescribeTableCommand({ TableName }))).then((o) => o.startsWith('ResourceNotFound')),
    );
    await createTable({ TableName });

    expect(await describeTtl(TableName)).toEqual({ TimeToLiveStatus: 'DISABLED' });
  });

  it('describes encryption at rest as AWS does: nothing for the AWS owned key, the KMS key ARN otherwise', async () => {
    const owned = await createTable();
    expect(owned.TableDescription?.SSEDescription).toBeUndefined();
    const managed = await createTable({ SSESpecification: { Enabled: true } });
    expect(managed.TableDescription?.SSEDescription).toEqual({
      Status: 'ENABLED',
      SSEType: 'KMS',
      KMSMasterKeyArn: expect.stringMatching(KEY_ARN),
    });
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: managed.TableName }));
    expect(Table?.SSEDescription).toEqual(managed.TableDescription?.SSEDescription);
    expect(Table?.WarmThroughput).toEqual({ ReadUnitsPerSecond: 12000, WriteUnitsPerSecond: 4000, Status: 'ACTIVE' });

    expect(await outcome(createTable({ SSESpecification: { Enabled: true, SSEType: 'AES256' } }))).toBe(
      'ValidationException: One or more parameter values were invalid: SSEType AES256 is not supported',
    );
    const switched = await dynamodb.send(new UpdateTableCommand({ TableName: managed.TableName, SSESpecification: { Enabled: false } }));
    expect(switched.TableDescription?.SSEDescription).toBeUndefined();
  });

  it('refuses to delete a protected table until its protection is turned off', async () => {
    const { TableName, TableDescription } = await createTable({ DeletionProtectionEnabled: true });
    expect(TableDescription?.DeletionProtectionEnabled).toBe(true);

    expect(await outcome(dynamodb.send(new DeleteTableCommand({ TableName })))).toBe(
      'ValidationException: Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.',
    );
    expect(
      await outcome(dynamodb.send(new UpdateTableCommand({ TableName, DeletionProtectionEnabled: false, BillingMode: 'PAY_PER_REQUEST' }))),
    ).toBe(
      'ValidationException: One or more parameter values were invalid: DeletionProtection modification must be the only operation in the request',
    );
    await dynamodb.send(new UpdateTableCommand({ TableName, DeletionProtectionEnabled: false }));
    expect(await outcome(dynamodb.send(new DeleteTableCommand({ TableName })))).toBe('ok');
  });

  it("provisions the template's TTL, encryption and deletion protection, and changes nothing on a restart", async () => {
    const template: CfnTemplate = {
      Resources: {
        IdempotencyTable: {
          Type: 'AWS::DynamoDB::Table',
          Properties: {
            AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
            KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
            BillingMode: 'PAY_PER_REQUEST',
            DeletionProtectionEnabled: false,
            SSESpecification: { SSEEnabled: true },
            TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
          },
        },
      },
    };
    // No queues in this template: the SQS client is never called.
    const sqs = new SQSClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: CREDENTIALS });
    const stackName = `Stack${++sequence}`;
    const TableName = `${stackName}-IdempotencyTable`;
    const provision = async () => {
      const lines: string[] = [];
      await provisionResources({
        stackName,
        template,
        dynamodb,
        sqs,
        queueUrlEndpoint: 'http://127.0.0.1:9',
        log: (line) => lines.push(line),
      });
      return lines;
    };

    const first = await provision();
    const second = await provision();
    sqs.destroy();

    expect(first).toEqual([`table ${TableName} created (TTL enabled on "expiration")`]);
    expect(second).toEqual([`table ${TableName} existing (TTL on "expiration")`]);
    expect(await describeTtl(TableName)).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiration' });
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName }));
    expect(Table?.SSEDescription).toEqual({ Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: expect.stringMatching(KEY_ARN) });
    expect(Table?.DeletionProtectionEnabled).toBe(false);
  });
});
