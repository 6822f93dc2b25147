import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type EventSourceMappingConfiguration,
  type FunctionConfiguration,
  GetEventSourceMappingCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';

/** moto accepts any credentials; fixed ones keep the rehearsal away from the machine's real AWS profile. */
const CREDENTIALS = { accessKeyId: 'rehearsal', secretAccessKey: 'rehearsal' };

export type LambdaEventSourceMapping = EventSourceMappingConfiguration;
export type LambdaFunctionConfiguration = FunctionConfiguration;

/** The AWS APIs a rehearsal calls, all through the SDK on one moto server and region. */
export class MotoClients {
  readonly cloudFormation: CloudFormationClient;
  readonly sqs: SQSClient;
  readonly dynamoDb: DynamoDBClient;
  private readonly lambda: LambdaClient;
  private readonly s3: S3Client;

  constructor(
    endpoint: string,
    readonly region: string,
  ) {
    // moto answers at once or not at all: no retries, so a failure reports without backing off.
    const options = { endpoint, region, credentials: CREDENTIALS, maxAttempts: 1 };
    this.cloudFormation = new CloudFormationClient(options);
    this.sqs = new SQSClient(options);
    this.dynamoDb = new DynamoDBClient(options);
    this.lambda = new LambdaClient(options);
    // Path-style: moto serves every bucket on its one host, not on <bucket>.<host>.
    this.s3 = new S3Client({ ...options, forcePathStyle: true });
  }

  async putObject(bucket: string, key: string, body: Buffer): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  }

  async eventSourceMapping(uuid: string): Promise<LambdaEventSourceMapping> {
    return this.lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
  }

  async functionConfiguration(functionName: string): Promise<LambdaFunctionConfiguration> {
    return this.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  }

  destroy(): void {
    for (const client of [this.cloudFormation, this.sqs, this.dynamoDb, this.lambda, this.s3]) client.destroy();
  }
}
