import { STAGE_NAMES, type TrafficShift } from '../../infra/config/stages';
import { LIVE_ALIAS } from '../../infra/constructs/live-alias';
import { invokedFunction, onlyResource, propertiesOf, resourcesOfType, synthStage } from './synth-stage';

type Json = Record<string, unknown>;

/** The logical id a value is a Ref to, or undefined. */
const refOf = (value: unknown): string | undefined => (value as { Ref?: string } | undefined)?.Ref;

describe.each(STAGE_NAMES)('versions, aliases and deployments (%s)', (stage) => {
  const { config, template } = synthStage(stage);
  const functions = () => Object.keys(resourcesOfType(template, 'AWS::Lambda::Function'));
  const aliases = () => resourcesOfType(template, 'AWS::Lambda::Alias');
  /** The `live` alias of a function, by the function's logical id. */
  const liveAliasOf = (functionId: string): string => {
    const found = Object.entries(aliases()).filter(
      ([, alias]) => refOf(propertiesOf(alias).FunctionName) === functionId && propertiesOf(alias).Name === LIVE_ALIAS,
    );
    expect(found).toHaveLength(1);
    return found[0][0];
  };
  /** The alias a property refers to, directly (Ref) or inside the expression CDK builds from it. */
  const aliasIn = (value: unknown): string | undefined =>
    Object.keys(aliases()).find((aliasId) => JSON.stringify(value).includes(`"${aliasId}"`));

  it('publishes every function as a version (currentVersion) behind a live alias that points at it', () => {
    expect(functions().length).toBeGreaterThanOrEqual(4);
    const versions = resourcesOfType(template, 'AWS::Lambda::Version');
    for (const functionId of functions()) {
      const alias = propertiesOf(aliases()[liveAliasOf(functionId)]);
      const versionId = (alias.FunctionVersion as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      expect(refOf(propertiesOf(versions[versionId]).FunctionName)).toBe(functionId);
    }
  });

  it('routes every HTTP API integration to a live alias, never to the function ($LATEST)', () => {
    const integrations = Object.values(resourcesOfType(template, 'AWS::ApiGatewayV2::Integration'));
    expect(integrations.length).toBeGreaterThanOrEqual(3);
    for (const integration of integrations) {
      const uri = propertiesOf(integration).IntegrationUri;
      const functionId = invokedFunction(template, uri);
      expect(functionId).toBeDefined();
      expect(uri).toEqual({ Ref: liveAliasOf(functionId as string) });
    }
  });

  it('lets API Gateway invoke the aliases only: every invoke permission names one', () => {
    const permissions = Object.values(resourcesOfType(template, 'AWS::Lambda::Permission'));
    expect(permissions.length).toBeGreaterThanOrEqual(3);
    for (const permission of permissions) {
      const functionName = propertiesOf(permission).FunctionName;
      expect(functionName).toEqual({ Ref: liveAliasOf(invokedFunction(template, functionName) as string) });
    }
  });

  it("feeds the queue to the consumer's live alias: the event source mapping's FunctionName is the alias, qualified", () => {
    const mapping = onlyResource(template, 'AWS::Lambda::EventSourceMapping');
    const functionName = mapping.Properties.FunctionName;
    const consumerId = invokedFunction(template, functionName) as string;
    expect(aliasIn(functionName)).toBe(liveAliasOf(consumerId));
    // CDK names the alias as <function name>:live; a bare function name would invoke $LATEST.
    expect(JSON.stringify(functionName)).toContain(`":${LIVE_ALIAS}"`);
  });

  it('keeps reserved concurrency on the function, where Lambda applies it to every version', () => {
    const reserved = Object.values(resourcesOfType(template, 'AWS::Lambda::Function')).filter(
      (fn) => propertiesOf(fn).ReservedConcurrentExecutions !== undefined,
    );
    expect(reserved).toHaveLength(1);
    for (const alias of Object.values(aliases())) expect(propertiesOf(alias).ProvisionedConcurrencyConfig).toBeUndefined();
  });

  if (config.deployment.strategy === 'all-at-once') {
    it('moves each alias at once as the stack updates: no CodeDeploy application, group or update policy', () => {
      expect(resourcesOfType(template, 'AWS::CodeDeploy::Application')).toEqual({});
      expect(resourcesOfType(template, 'AWS::CodeDeploy::DeploymentGroup')).toEqual({});
      for (const alias of Object.values(aliases()) as Json[]) expect(alias.UpdatePolicy).toBeUndefined();
    });
    return;
  }

  const { deployment } = config;
  const groups = () => resourcesOfType(template, 'AWS::CodeDeploy::DeploymentGroup');
  const alarms = () => resourcesOfType(template, 'AWS::CloudWatch::Alarm');
  const alarmId = (logicalIdPrefix: string): string => {
    const found = Object.keys(alarms()).filter((logicalId) => logicalId.startsWith(logicalIdPrefix));
    expect(found).toHaveLength(1);
    return found[0];
  };
  /** The deployment group the alias's CodeDeployLambdaAliasUpdate policy hands its updates to. */
  const groupOf = (aliasId: string): Json => {
    const policy = (aliases()[aliasId] as Json).UpdatePolicy as { CodeDeployLambdaAliasUpdate?: { DeploymentGroupName: unknown } };
    const groupId = refOf(policy?.CodeDeployLambdaAliasUpdate?.DeploymentGroupName) ?? 'none';
    return propertiesOf(groups()[groupId]);
  };
  const configName = (shift: TrafficShift) => `CodeDeployDefault.Lambda${shift}`;
  const rollbackAlarmsOf = (group: Json): string[] =>
    ((group.AlarmConfiguration as { Alarms: { Name: unknown }[] }).Alarms ?? []).map((alarm) => refOf(alarm.Name) ?? 'not a Ref').sort();
  const functionId = (prefix: string) => {
    const found = functions().filter((logicalId) => logicalId.startsWith(prefix));
    expect(found).toHaveLength(1);
    return found[0];
  };

  it('hands every alias update to its own CodeDeploy deployment group, rolled back on alarm, failure or stop', () => {
    expect(Object.keys(resourcesOfType(template, 'AWS::CodeDeploy::Application'))).toHaveLength(1);
    expect(Object.keys(groups())).toHaveLength(functions().length);
    for (const functionId of functions()) {
      const group = groupOf(liveAliasOf(functionId));
      expect(group.DeploymentStyle).toEqual({ DeploymentOption: 'WITH_TRAFFIC_CONTROL', DeploymentType: 'BLUE_GREEN' });
      expect(group.AlarmConfiguration).toMatchObject({ Enabled: true });
      expect(group.AutoRollbackConfiguration).toEqual({
        Enabled: true,
        Events: expect.arrayContaining(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM', 'DEPLOYMENT_STOP_ON_REQUEST']),
      });
    }
  });

  it(`shifts the functions behind the HTTP API by ${deployment.api}, rolled back by their new version's errors and the API 5xx rate`, () => {
    for (const prefix of ['ApiFunction', 'OrderStatusFunction', 'OpenApiFunction']) {
      const group = groupOf(liveAliasOf(functionId(prefix)));
      expect(group.DeploymentConfigName).toBe(configName(deployment.api));
      expect(rollbackAlarmsOf(group)).toEqual([alarmId('AlarmsApiServerErrorRate'), alarmId(`Alarms${prefix}NewVersionErrors`)].sort());
    }
  });

  it(`shifts the consumer by ${deployment.consumer}, rolled back by its new version's errors, consumer errors and DLQ messages`, () => {
    const group = groupOf(liveAliasOf(functionId('ConsumerFunction')));
    expect(group.DeploymentConfigName).toBe(configName(deployment.consumer));
    expect(rollbackAlarmsOf(group)).toEqual(
      [alarmId('AlarmsConsumerFunctionNewVersionErrors'), alarmId('AlarmsConsumerErrors'), alarmId('AlarmsDeadLetterMessages')].sort(),
    );
  });

  it(`alarms on ${deployment.newVersionErrorsPerMinute}+ errors a minute of the version this deploy published, invoked through the alias`, () => {
    for (const fn of functions()) {
      const prefix = fn.replace(/[0-9A-F]{8}$/, '');
      const alarm = propertiesOf(alarms()[alarmId(`Alarms${prefix}NewVersionErrors`)]);
      const aliasId = liveAliasOf(fn);
      const versionId = (propertiesOf(aliases()[aliasId]).FunctionVersion as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      expect(alarm).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Statistic: 'Sum',
        Period: 60,
        Threshold: deployment.newVersionErrorsPerMinute,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
      const dimensions = Object.fromEntries(
        (alarm.Dimensions as { Name: string; Value: unknown }[]).map(({ Name, Value }) => [Name, Value]),
      );
      expect(dimensions).toEqual({
        FunctionName: { Ref: fn },
        Resource: { 'Fn::Join': ['', [{ Ref: fn }, `:${LIVE_ALIAS}`]] },
        ExecutedVersion: { 'Fn::GetAtt': [versionId, 'Version'] },
      });
    }
  });

  it('gives CodeDeploy one service role, with its managed policy for Lambda deployments only', () => {
    const roleIds = new Set(
      Object.values(groups()).map((group) => (propertiesOf(group).ServiceRoleArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]),
    );
    expect(roleIds.size).toBe(1);
    const role = propertiesOf(resourcesOfType(template, 'AWS::IAM::Role')[[...roleIds][0]]);
    expect(JSON.stringify(role.AssumeRolePolicyDocument)).toContain('codedeploy.amazonaws.com');
    expect(JSON.stringify(role.ManagedPolicyArns)).toContain('service-role/AWSCodeDeployRoleForLambdaLimited');
  });
});
