import type { IAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { type ILambdaDeploymentConfig, LambdaApplication, LambdaDeploymentConfig, LambdaDeploymentGroup } from 'aws-cdk-lib/aws-codedeploy';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Alias, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { CodeDeploySettings, TrafficShift } from '../config/stages';

/** The alias every caller invokes (HTTP API integrations, the SQS event source mapping): never `$LATEST`. */
export const LIVE_ALIAS = 'live';

/** Publishes the function's code and configuration as a version (`currentVersion`) behind the `live` alias. */
export const liveAliasOf = (fn: LambdaFunction): Alias => fn.addAlias(LIVE_ALIAS);

const DEPLOYMENT_CONFIGS: Readonly<Record<TrafficShift, ILambdaDeploymentConfig>> = {
  Canary10Percent5Minutes: LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
  Canary10Percent10Minutes: LambdaDeploymentConfig.CANARY_10PERCENT_10MINUTES,
  Canary10Percent15Minutes: LambdaDeploymentConfig.CANARY_10PERCENT_15MINUTES,
  Canary10Percent30Minutes: LambdaDeploymentConfig.CANARY_10PERCENT_30MINUTES,
  Linear10PercentEvery1Minute: LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE,
  Linear10PercentEvery2Minutes: LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_2MINUTES,
  Linear10PercentEvery3Minutes: LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_3MINUTES,
  Linear10PercentEvery10Minutes: LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_10MINUTES,
};

/** A function's `live` alias and what decides whether a shift to its new version goes on. */
export interface ShiftedAlias {
  readonly alias: Alias;
  /** Which of the stage's traffic shifts it takes: the HTTP functions' or the consumer's. */
  readonly shiftedAs: 'api' | 'consumer';
  /**
   * Alarms that mean this function's new version is hurting: its own errors (PipelineAlarms.alarmOnNewVersion) and the
   * stage's (the API 5xx rate; consumer errors, the DLQ).
   */
  readonly rollbackAlarms: readonly IAlarm[];
}

export interface SafeDeploymentsProps {
  readonly stageName: string;
  readonly deployment: CodeDeploySettings;
  readonly aliases: readonly ShiftedAlias[];
}

/**
 * One CodeDeploy application per stage and a deployment group per function: a deploy that publishes a new version
 * makes CloudFormation hand the alias update to CodeDeploy (the alias's CodeDeployLambdaAliasUpdate update policy),
 * which shifts the alias's weights as the stage says and rolls back when an alarm fires, when the deployment fails or
 * when someone stops it.
 */
export class SafeDeployments extends Construct {
  readonly application: LambdaApplication;
  readonly role: Role;
  readonly groups: readonly LambdaDeploymentGroup[];

  constructor(scope: Construct, id: string, props: SafeDeploymentsProps) {
    super(scope, id);
    const { deployment } = props;
    this.application = new LambdaApplication(this, 'Application');
    // One service role for every group: the same managed policy CDK would give each of its own roles.
    this.role = new Role(this, 'ServiceRole', {
      assumedBy: new ServicePrincipal('codedeploy.amazonaws.com'),
      description: `orders-pipeline ${props.stageName}: CodeDeploy shifts the functions' live aliases and reads their alarms`,
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSCodeDeployRoleForLambdaLimited')],
    });
    const groups: LambdaDeploymentGroup[] = [];
    for (const { alias, shiftedAs, rollbackAlarms } of props.aliases) {
      const name = alias.version.lambda.node.id;
      groups.push(
        new LambdaDeploymentGroup(this, `${name}Deployment`, {
          application: this.application,
          role: this.role,
          alias,
          deploymentConfig: DEPLOYMENT_CONFIGS[deployment[shiftedAs]],
          alarms: [...rollbackAlarms],
          // A stopped deployment (an operator's brake) goes back to the old version rather than staying split.
          autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
        }),
      );
    }
    this.groups = groups;
  }
}
