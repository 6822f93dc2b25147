import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type ApiAuth, getStageConfig } from '../../infra/config/stages';
import { OpsError } from '../../ops/cli-kit/ops-error';
import { queueDepth, readStackOutputs } from '../../ops/pipeline-target';
import type { LoadTarget } from './load-target';
import type { RequestAuth } from './request-auth';
import { RefreshingCredentials, type SigningCredentials } from './sigv4';
import { waitForStoredOrders } from './stage-checks';

/** Environment variable that carries the bearer token for a stage with JWT auth (kept off the command line and out of shell history). */
export const TOKEN_VARIABLE = 'ORDERS_API_TOKEN';

export interface StageLoadOptions {
  readonly cloudFormation?: CloudFormationClient;
  readonly sqs?: SQSClient;
  readonly documents?: DynamoDBDocumentClient;
  /** Defaults to the SDK's default chain (AWS_PROFILE, SSO, environment, instance role). */
  readonly credentials?: () => Promise<SigningCredentials>;
  /** Defaults to $ORDERS_API_TOKEN. */
  readonly bearerToken?: string;
  /** How long the queue must read empty before a missing order is called missing (default 60 s: SQS's counts lag). */
  readonly quietMs?: number;
  readonly pollMs?: number;
  readonly timeoutMs?: number;
}

/** execute-api hosts name their region: <id>.execute-api.<region>.amazonaws.com. */
export const regionOfApiUrl = (apiUrl: string): string | undefined =>
  /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com/.exec(new URL(apiUrl).host)?.[1];

/** How requests to a stage are authorized, from the auth its config gives the API; `auth()` carries the newest credentials. */
export const requestAuthorizer = async (
  stage: string,
  auth: ApiAuth,
  apiUrl: string,
  aws: { region: () => Promise<string>; credentials: () => Promise<SigningCredentials>; bearerToken?: string },
): Promise<{ auth: () => RequestAuth; stop: () => void }> => {
  const json = { 'content-type': 'application/json' };
  if (auth.type === 'none') return { auth: () => ({ type: 'headers', headers: json }), stop: () => undefined };
  if (auth.type === 'jwt') {
    const token = aws.bearerToken ?? process.env[TOKEN_VARIABLE];
    if (!token) {
      throw new OpsError(
        `Stage ${stage} accepts JWTs from ${auth.issuer} (audience ${auth.audience.join(', ')}): put one in ${TOKEN_VARIABLE} and retry.`,
      );
    }
    const headers = { ...json, authorization: `Bearer ${token}` };
    return { auth: () => ({ type: 'headers', headers }), stop: () => undefined };
  }
  const region = regionOfApiUrl(apiUrl) ?? (await aws.region());
  const credentials = await RefreshingCredentials.start(aws.credentials);
  const host = new URL(apiUrl).host;
  return {
    auth: () => ({ type: 'sigv4', headers: json, host, region, credentials: credentials.current() }),
    stop: () => credentials.stop(),
  };
};

/**
 * A deployed stage as a load target: URL and resources from its stack outputs, requests signed
 * with SigV4 when the stage uses IAM auth, verification by key against its orders table.
 * Needs cloudformation:DescribeStacks, execute-api:Invoke, sqs:GetQueueAttributes and
 * dynamodb:BatchGetItem on the orders table.
 */
export const stageLoadTarget = async (stage: string, options: StageLoadOptions = {}): Promise<LoadTarget> => {
  const config = getStageConfig(stage);
  const cloudFormation = options.cloudFormation ?? new CloudFormationClient({});
  const outputs = await readStackOutputs(stage, cloudFormation);
  const apiUrl = outputs.require('ApiUrl');
  const queueUrl = outputs.require('QueueUrl');
  const deadLetterQueueUrl = outputs.require('DeadLetterQueueUrl');
  const tableName = outputs.require('OrdersTableName');
  const sqs = options.sqs ?? new SQSClient({});
  const documents = options.documents ?? DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const deadLettersBefore = (await queueDepth(sqs, deadLetterQueueUrl)).visible;
  const { auth, stop } = await requestAuthorizer(stage, config.api.auth, apiUrl, {
    region: () => cloudFormation.config.region(),
    credentials: options.credentials ?? (() => cloudFormation.config.credentials()),
    bearerToken: options.bearerToken,
  });
  return {
    label: stage,
    apiUrl: apiUrl.replace(/\/$/, ''),
    defaultRate: config.api.throttlingRateLimit,
    requestAuth: auth,
    settle: async (_runId, sent, accepted, log, signal) => {
      const { drained, stored, verification } = await waitForStoredOrders({
        documents,
        tableName,
        sqs,
        queueUrl,
        sent,
        accepted,
        quietMs: options.quietMs ?? 60_000,
        pollMs: options.pollMs ?? 2_000,
        timeoutMs: options.timeoutMs ?? 15 * 60_000,
        log,
        signal,
      });
      const after = (await queueDepth(sqs, deadLetterQueueUrl)).visible;
      return { drained, stored, verification, deadLetterMessages: { before: deadLettersBefore, after } };
    },
    stop: async () => {
      stop();
      if (!options.sqs) sqs.destroy();
      if (!options.documents) documents.destroy();
      if (!options.cloudFormation) cloudFormation.destroy();
    },
  };
};
