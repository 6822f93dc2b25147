import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import aws4 from 'aws4';
import { z } from 'zod';

/** moto accepts any credentials; fixed ones keep the rehearsal away from the machine's real AWS profile. */
const CREDENTIALS = { accessKeyId: 'rehearsal', secretAccessKey: 'rehearsal' };

export class MotoRequestError extends Error {
  override readonly name = 'MotoRequestError';
}

/**
 * The AWS APIs a rehearsal calls, all on one moto server and region. CloudFormation, SQS and DynamoDB through
 * the SDK; Lambda reads and S3 uploads as SigV4-signed REST calls (aws4, as the load tool signs), because the
 * project has no Lambda or S3 SDK client among its dependencies.
 */
export class MotoClients {
  readonly cloudFormation: CloudFormationClient;
  readonly sqs: SQSClient;
  readonly dynamoDb: DynamoDBClient;

  constructor(
    private readonly endpoint: string,
    readonly region: string,
  ) {
    // moto answers at once or not at all: no retries, so a failure reports without backing off.
    const options = { endpoint, region, credentials: CREDENTIALS, maxAttempts: 1 };
    this.cloudFormation = new CloudFormationClient(options);
    this.sqs = new SQSClient(options);
    this.dynamoDb = new DynamoDBClient(options);
  }

  private async signed(service: string, method: string, path: string, body?: Buffer): Promise<Response> {
    const url = new URL(path, this.endpoint);
    // aws4 defaults a body's type to a form, which the emulator's web framework would consume as one.
    const contentType = body ? { 'Content-Type': 'application/octet-stream' } : {};
    const { headers } = aws4.sign(
      { host: url.host, path: url.pathname + url.search, method, service, region: this.region, body, headers: contentType },
      CREDENTIALS,
    );
    const response = await fetch(url, {
      method,
      headers: Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name, String(value)])),
      body,
    });
    if (!response.ok)
      throw new MotoRequestError(`${service} ${method} ${url.pathname}: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
    return response;
  }

  async putObject(bucket: string, key: string, body: Buffer): Promise<void> {
    await this.signed('s3', 'PUT', `/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`, body);
  }

  /** Lambda GetEventSourceMapping. */
  async eventSourceMapping(uuid: string): Promise<LambdaEventSourceMapping> {
    const response = await this.signed('lambda', 'GET', `/2015-03-31/event-source-mappings/${encodeURIComponent(uuid)}`);
    return eventSourceMappingSchema.parse(await response.json());
  }

  /** Lambda GetFunctionConfiguration. */
  async functionConfiguration(functionName: string): Promise<LambdaFunctionConfiguration> {
    const response = await this.signed('lambda', 'GET', `/2015-03-31/functions/${encodeURIComponent(functionName)}/configuration`);
    return functionConfigurationSchema.parse(await response.json());
  }

  destroy(): void {
    this.cloudFormation.destroy();
    this.sqs.destroy();
    this.dynamoDb.destroy();
  }
}

/** The fields of Lambda's EventSourceMappingConfiguration the smoke checks read. */
const eventSourceMappingSchema = z.object({
  FunctionArn: z.string().optional(),
  BatchSize: z.number().optional(),
  MaximumBatchingWindowInSeconds: z.number().optional(),
  ScalingConfig: z.object({ MaximumConcurrency: z.number().optional() }).optional(),
});
export type LambdaEventSourceMapping = z.infer<typeof eventSourceMappingSchema>;

/** The fields of Lambda's FunctionConfiguration the smoke checks read. */
const functionConfigurationSchema = z.object({
  Runtime: z.string().optional(),
  MemorySize: z.number().optional(),
  Timeout: z.number().optional(),
  Architectures: z.array(z.string()).optional(),
  CodeSize: z.number().optional(),
});
export type LambdaFunctionConfiguration = z.infer<typeof functionConfigurationSchema>;
