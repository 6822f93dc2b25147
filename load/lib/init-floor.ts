import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { BUNDLE_TSCONFIG, FUNCTION_BUNDLE } from '../../infra/constructs/pipeline-function';

/**
 * A function's module init floor: a bare handler that creates only the AWS SDK clients the function creates when its
 * module loads, bundled like the functions (same esbuild options, the SDK left to the runtime). What the function's
 * init costs above it is what its own code and the layer load.
 */
export type SdkClient = 'sqs' | 'dynamodb' | 'dynamodbDocument';

/** The clients each function creates at module scope (see its handler.ts). */
export const FLOOR_CLIENTS: Readonly<Record<string, readonly SdkClient[]>> = {
  // SqsOrderQueue's client. Powertools idempotency (and its DynamoDBClient) loads on the first request with an
  // Idempotency-Key, after init (functions/api/idempotency.ts).
  ApiFunction: ['sqs'],
  // The dead-letter and redelivery queues' client, and the order store's document client.
  ConsumerFunction: ['sqs', 'dynamodbDocument'],
  OrderStatusFunction: ['dynamodbDocument'],
  // Builds its document from code: no client.
  OpenApiFunction: [],
};

/** Module init targets of issue 27 (2-core machine): printed beside the figures, never asserted. */
export const INIT_TARGETS_MS: Readonly<Record<string, number>> = {
  ApiFunction: 90,
  ConsumerFunction: 90,
  OrderStatusFunction: 50,
  OpenApiFunction: 50,
};
/** Each function's init within this many times its floor (issue 27). */
export const INIT_FLOOR_RATIO_TARGET = 2;

const CLIENT_CODE: Readonly<Record<SdkClient, { readonly imports: readonly string[]; readonly create: string }>> = {
  sqs: { imports: ["import { SQSClient } from '@aws-sdk/client-sqs';"], create: 'new SQSClient({})' },
  dynamodb: { imports: ["import { DynamoDBClient } from '@aws-sdk/client-dynamodb';"], create: 'new DynamoDBClient({})' },
  dynamodbDocument: {
    imports: [
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
      "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';",
    ],
    create: 'DynamoDBDocumentClient.from(new DynamoDBClient({}))',
  },
};

/** The bare handler's source: the clients at module scope, as the functions hold theirs, and a handler using them. */
export const floorHandlerSource = (clients: readonly SdkClient[]): string =>
  [
    ...new Set(clients.flatMap((client) => CLIENT_CODE[client].imports)),
    `const clients = [${clients.map((client) => CLIENT_CODE[client].create).join(', ')}];`,
    'export const handler = async () => ({ statusCode: 200, body: String(clients.length) });',
    '',
  ].join('\n');

/** Builds the floor bundle of a function into `dir` and returns its path. */
export const buildInitFloor = (dir: string, functionName: string): string => {
  const clients = FLOOR_CLIENTS[functionName];
  if (!clients) throw new Error(`no init floor is defined for ${functionName}: add its clients to FLOOR_CLIENTS in load/lib/init-floor.ts`);
  mkdirSync(dir, { recursive: true });
  const entry = path.join(dir, `${functionName}-floor.ts`);
  const outfile = path.join(dir, `${functionName}-floor.js`);
  writeFileSync(entry, floorHandlerSource(clients));
  buildSync({
    ...FUNCTION_BUNDLE,
    external: [...FUNCTION_BUNDLE.external],
    entryPoints: [entry],
    tsconfig: BUNDLE_TSCONFIG,
    outfile,
    logLevel: 'silent',
  });
  return outfile;
};
