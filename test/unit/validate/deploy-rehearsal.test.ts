import { getStageConfig } from '../../../infra/config/stages';
import { type DescribedStack, smokeFindings } from '../../../infra/validate/rehearsal/smoke';
import { bootstrapTemplateFor, notCreatedByType, substituteForMoto } from '../../../infra/validate/rehearsal/template';

const DLQ_ARN = 'arn:aws:sqs:us-east-1:123456789012:dlq';

/** The resources and outputs of a synthesized stage that the rehearsal's template handling looks at. */
const template = () => ({
  Parameters: {
    BootstrapVersion: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/hnb659fds/version' },
  },
  Resources: {
    HttpApiF5A9A8A7: { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: 'HttpApi' } },
    OrderQueue598C9801: { Type: 'AWS::SQS::Queue', Properties: {} },
    OrderQueuePolicy: { Type: 'AWS::SQS::QueuePolicy', Properties: {} },
    AlarmA: { Type: 'AWS::CloudWatch::Alarm', Properties: {} },
    AlarmB: { Type: 'AWS::CloudWatch::Alarm', Properties: {} },
  },
  Outputs: {
    ApiUrl: { Description: 'POST orders to <ApiUrl>/orders', Value: { 'Fn::GetAtt': ['HttpApiF5A9A8A7', 'ApiEndpoint'] } },
    ApiOrdersUrl: { Value: { 'Fn::Join': ['', [{ 'Fn::GetAtt': 'HttpApiF5A9A8A7.ApiEndpoint' }, '/orders']] } },
    QueueArn: { Value: { 'Fn::GetAtt': ['OrderQueue598C9801', 'Arn'] } },
    QueueUrl: { Value: { Ref: 'OrderQueue598C9801' } },
  },
});

/** What the emulator reports for the dev stage when everything is as configured. */
const devAsConfigured = (): DescribedStack => ({
  queue: { visibilityTimeoutSeconds: 181, redrivePolicy: { deadLetterTargetArn: DLQ_ARN, maxReceiveCount: 3 } },
  deadLetterQueueArn: DLQ_ARN,
  ordersTable: {
    keySchema: [
      { AttributeName: 'PK', KeyType: 'HASH' },
      { AttributeName: 'SK', KeyType: 'RANGE' },
    ],
    billingMode: 'PAY_PER_REQUEST',
  },
  consumer: { runtime: 'nodejs22.x', memorySizeMb: 256, timeoutSeconds: 30, architectures: ['arm64'], codeSizeBytes: 4756 },
  consumerTemplateArchitectures: ['arm64'],
  consumerAssetBytes: 4756,
  eventSourceMapping: { batchSize: 100, maximumBatchingWindowInSeconds: 1, maximumConcurrency: 2 },
});

describe('substituteForMoto', () => {
  it('replaces exactly the outputs that read an attribute of a type moto cannot model, and names each', () => {
    const { template: substituted, substitutions } = substituteForMoto(template());

    expect(substitutions).toEqual([
      { path: 'Outputs.ApiUrl', replaced: 'Fn::GetAtt HttpApiF5A9A8A7.ApiEndpoint of AWS::ApiGatewayV2::Api' },
      { path: 'Outputs.ApiOrdersUrl', replaced: 'Fn::GetAtt HttpApiF5A9A8A7.ApiEndpoint of AWS::ApiGatewayV2::Api' },
    ]);
    const outputs = substituted.Outputs as Record<string, { Value: unknown; Description?: string }>;
    expect(outputs.ApiUrl).toEqual({
      Description: 'POST orders to <ApiUrl>/orders',
      Value: 'substituted for moto: HttpApiF5A9A8A7.ApiEndpoint',
    });
    expect(outputs.QueueArn).toEqual(template().Outputs.QueueArn);
    expect(outputs.QueueUrl).toEqual(template().Outputs.QueueUrl);
    expect(substituted.Resources).toEqual(template().Resources);
  });

  it('replaces, in a resource moto creates, each read of an attribute of a resource it skips, and names each', () => {
    const body = {
      'Fn::Join': [
        '',
        ['{"alarms":["', { 'Fn::GetAtt': ['AlarmA', 'Arn'] }, '","', { 'Fn::GetAtt': ['OrderQueue598C9801', 'Arn'] }, '"]}'],
      ],
    };
    const input = {
      ...template(),
      Resources: { ...template().Resources, Dashboard: { Type: 'AWS::CloudWatch::Dashboard', Properties: { DashboardBody: body } } },
    };

    const { template: substituted, substitutions } = substituteForMoto(input);

    expect(substitutions).toContainEqual({
      path: 'Resources.Dashboard.Properties',
      replaced: 'Fn::GetAtt AlarmA.Arn of AWS::CloudWatch::Alarm',
    });
    const resources = substituted.Resources as Record<string, { Properties: { DashboardBody: unknown } }>;
    expect(resources.Dashboard.Properties.DashboardBody).toEqual({
      'Fn::Join': ['', ['{"alarms":["', 'substituted-for-moto-AlarmA-Arn', '","', { 'Fn::GetAtt': ['OrderQueue598C9801', 'Arn'] }, '"]}']],
    });
    expect(resources.OrderQueue598C9801).toEqual(template().Resources.OrderQueue598C9801);
  });

  it('never writes "Fn::GetAtt" into a substituted value, which moto 5.2 would take for the intrinsic', () => {
    const { template: substituted } = substituteForMoto(template());

    for (const output of Object.values(substituted.Outputs as Record<string, { Value: unknown }>)) {
      if (typeof output.Value === 'string') expect(output.Value).not.toContain('Fn::GetAtt');
    }
  });

  it("names a Lambda alias's function wherever a resource moto creates names the alias (moto 5.2 has no aliases), and says so", () => {
    const aliasArnName = { 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: 'ConsumerAlias' }] }] };
    const input = {
      ...template(),
      Resources: {
        Consumer: { Type: 'AWS::Lambda::Function', Properties: {} },
        ConsumerVersion: { Type: 'AWS::Lambda::Version', Properties: { FunctionName: { Ref: 'Consumer' } } },
        ConsumerAlias: {
          Type: 'AWS::Lambda::Alias',
          Properties: {
            FunctionName: { Ref: 'Consumer' },
            FunctionVersion: { 'Fn::GetAtt': ['ConsumerVersion', 'Version'] },
            Name: 'live',
          },
        },
        Mapping: {
          Type: 'AWS::Lambda::EventSourceMapping',
          Properties: { BatchSize: 10, FunctionName: { 'Fn::Join': ['', [aliasArnName, ':live']] } },
        },
        Permission: {
          Type: 'AWS::Lambda::Permission',
          Properties: { FunctionName: { Ref: 'ConsumerAlias' }, Action: 'lambda:InvokeFunction' },
        },
      },
      Outputs: {},
    };

    const { template: substituted, substitutions } = substituteForMoto(input);

    const resources = substituted.Resources as typeof input.Resources;
    expect(resources.Mapping.Properties).toEqual({ BatchSize: 10, FunctionName: { Ref: 'Consumer' } });
    expect(resources.Permission.Properties).toEqual({ FunctionName: { Ref: 'Consumer' }, Action: 'lambda:InvokeFunction' });
    expect(resources.ConsumerVersion).toBe(input.Resources.ConsumerVersion);
    expect(resources.ConsumerAlias).toBe(input.Resources.ConsumerAlias);
    expect(substitutions).toEqual([
      { path: 'Resources.Mapping.Properties.FunctionName', replaced: 'alias ConsumerAlias by its function Consumer' },
      { path: 'Resources.Permission.Properties.FunctionName', replaced: 'alias ConsumerAlias by its function Consumer' },
    ]);
  });

  it('returns the template unchanged when no output needs a substitution', () => {
    const { ApiUrl: _api, ApiOrdersUrl: _orders, ...modelled } = template().Outputs;
    const input = { ...template(), Outputs: modelled };

    const { template: substituted, substitutions } = substituteForMoto(input);

    expect(substitutions).toEqual([]);
    expect(substituted).toBe(input);
  });
});

describe('bootstrapTemplateFor', () => {
  it('creates each asset bucket once, by its placeholder name, and the bootstrap version parameter the template reads', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the asset manifest's placeholders, which Fn::Sub resolves.
    const bucket = 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}';

    const bootstrap = bootstrapTemplateFor(template(), [bucket, bucket, bucket]);

    expect(bootstrap.Resources).toEqual({
      AssetBucket0: { Type: 'AWS::S3::Bucket', Properties: { BucketName: { 'Fn::Sub': bucket } } },
      BootstrapVersion: {
        Type: 'AWS::SSM::Parameter',
        Properties: { Type: 'String', Name: '/cdk-bootstrap/hnb659fds/version', Value: expect.stringMatching(/^\d+$/) },
      },
    });
  });

  it('adds no parameter for a template synthesized without the bootstrap version check', () => {
    const { Parameters: _parameters, ...withoutParameters } = template();

    expect(Object.keys(bootstrapTemplateFor(withoutParameters, ['bucket']).Resources as object)).toEqual(['AssetBucket0']);
  });
});

describe('notCreatedByType', () => {
  it('counts the template resources missing from the created stack by type', () => {
    const counts = notCreatedByType(template(), new Set(['OrderQueue598C9801']));

    expect(Object.fromEntries(counts)).toEqual({ 'AWS::ApiGatewayV2::Api': 1, 'AWS::SQS::QueuePolicy': 1, 'AWS::CloudWatch::Alarm': 2 });
  });
});

describe('smokeFindings', () => {
  const dev = getStageConfig('dev');

  it('finds every smoke check as configured when the created resources match the dev config', () => {
    const findings = smokeFindings(dev, devAsConfigured());

    expect(findings.filter((finding) => finding.status !== 'ok')).toEqual([]);
    expect(findings.map((finding) => finding.name)).toEqual([
      'queue redrive target',
      'queue maxReceiveCount',
      'queue visibility timeout (s)',
      'orders table keys',
      'orders table billing',
      'consumer runtime',
      'consumer memory (MB)',
      'consumer timeout (s)',
      'consumer architecture',
      'consumer code (bytes)',
      'event source batch size',
      'event source batching window (s)',
      'event source max concurrency',
    ]);
  });

  it('names each setting that differs from the config with both values', () => {
    const described = devAsConfigured();
    const findings = smokeFindings(dev, {
      ...described,
      queue: {
        visibilityTimeoutSeconds: 30,
        redrivePolicy: { deadLetterTargetArn: 'arn:aws:sqs:us-east-1:123456789012:other', maxReceiveCount: 5 },
      },
      ordersTable: { keySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], billingMode: 'PROVISIONED' },
      eventSourceMapping: { batchSize: 10, maximumBatchingWindowInSeconds: undefined, maximumConcurrency: 2 },
    });

    expect(findings.filter((finding) => finding.status === 'differs')).toEqual([
      { name: 'queue redrive target', expected: DLQ_ARN, created: 'arn:aws:sqs:us-east-1:123456789012:other', status: 'differs' },
      { name: 'queue maxReceiveCount', expected: '3', created: '5', status: 'differs' },
      { name: 'queue visibility timeout (s)', expected: '181', created: '30', status: 'differs' },
      { name: 'orders table keys', expected: 'PK HASH, SK RANGE', created: 'id HASH', status: 'differs' },
      { name: 'orders table billing', expected: 'PAY_PER_REQUEST', created: 'PROVISIONED', status: 'differs' },
      { name: 'event source batch size', expected: '100', created: '10', status: 'differs' },
      { name: 'event source batching window (s)', expected: '1', created: 'nothing', status: 'differs' },
    ]);
  });

  it('expects no MaximumConcurrency on a mapping in provisioned mode', () => {
    const provisioned = { ...dev, consumer: { ...dev.consumer, provisionedPollers: { minimum: 2, maximum: 20 } } };
    const described = devAsConfigured();
    const findings = smokeFindings(provisioned, {
      ...described,
      eventSourceMapping: { ...described.eventSourceMapping, maximumConcurrency: undefined },
    });

    expect(findings.find((finding) => finding.name === 'event source max concurrency')).toMatchObject({ status: 'ok' });
  });

  it('reports a queue without a redrive policy as differing, not as passing', () => {
    const findings = smokeFindings(dev, { ...devAsConfigured(), queue: { visibilityTimeoutSeconds: 181 } });

    expect(findings.find((finding) => finding.name === 'queue maxReceiveCount')).toMatchObject({ created: 'nothing', status: 'differs' });
  });

  it("treats moto's default architecture as unmodelled only while the template sets the configured one", () => {
    const described = devAsConfigured();
    const motoDefault = { ...described, consumer: { ...described.consumer, architectures: ['x86_64'] } };

    const checkedInTemplate = smokeFindings(dev, motoDefault).find((finding) => finding.name === 'consumer architecture');
    const wrongTemplate = smokeFindings(dev, { ...motoDefault, consumerTemplateArchitectures: ['x86_64'] }).find(
      (finding) => finding.name === 'consumer architecture',
    );

    expect(checkedInTemplate?.status).toBe('unmodelled');
    expect(wrongTemplate?.status).toBe('differs');
  });

  it('fails the code check when moto found no code at the template location (code size 0)', () => {
    const described = devAsConfigured();

    const findings = smokeFindings(dev, { ...described, consumer: { ...described.consumer, codeSizeBytes: 0 } });

    expect(findings.find((finding) => finding.name === 'consumer code (bytes)')).toMatchObject({
      expected: '4756',
      created: '0',
      status: 'differs',
    });
  });
});
