import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { orderKey } from '@orders-pipeline/shared';
import { createEphemeralDir } from '../../local-runtime';
import { sampleOrder } from '../support/fixtures';
import { eventually } from '../support/local-runtime-harness';
import { RuntimeProcess } from '../support/runtime-process';

describe("npm start -- --app with this project's own CDK app", () => {
  it('synthesizes infra/bin/app.ts as cdk would, runs every resource or names it, takes an order and stops on Ctrl-C', async () => {
    const data = createEphemeralDir('orders-own-app-');
    // The command cdk.json gives cdk, through npx as a user types it; the stage comes from cdk.json's context (dev).
    const runtime = await RuntimeProcess.start(data.path, 180_000, ['--app', 'npx ts-node --transpile-only infra/bin/app.ts']);
    try {
      expect(runtime.log).toMatch(/synthesizing the app: npx ts-node --transpile-only infra\/bin\/app\.ts/);
      expect(runtime.log).toMatch(/^OrdersPipeline-dev is running locally/m);
      expect(runtime.log).not.toMatch(/DIFFERS/);
      expect(runtime.log).toMatch(/not run {2}AWS::SNS::Topic AlarmsTopic[0-9A-F]{8}: /);

      const response = await fetch(`${runtime.apiUrl}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(sampleOrder({ orderId: 'it-own-app-1' })),
      });
      expect(response.status).toBe(202);
      const outputs = JSON.parse(readFileSync(path.join(data.path, 'outputs.json'), 'utf8'))['OrdersPipeline-dev'];
      const client = DynamoDBDocumentClient.from(
        new DynamoDBClient({
          region: 'us-east-1',
          endpoint: outputs.DynamoDbEndpoint,
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }),
      );
      try {
        await eventually('the order in the orders table', async () => {
          const { Item } = await client.send(
            new GetCommand({ TableName: outputs.OrdersTableName, Key: orderKey('it-own-app-1'), ConsistentRead: true }),
          );
          return Item;
        });
      } finally {
        client.destroy();
      }

      runtime.signalGroup('SIGINT');
      expect(await runtime.exited).toEqual({ code: 0, signal: null });
    } finally {
      runtime.kill('SIGKILL');
      data.remove();
    }
  }, 240_000);
});
