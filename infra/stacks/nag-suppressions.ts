import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { NagSuppressions } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { StageConfig } from '../config/stages';

export interface NagSubjects {
  readonly config: StageConfig;
  readonly functions: readonly IFunction[];
  readonly ordersTable: ITable;
  readonly idempotencyTable: ITable;
  /** Routes with the stage's authorizer (none on an open developer stage). */
  readonly authenticatedRoutes: readonly IConstruct[];
  readonly openApiRoute: IConstruct;
  readonly alarmTopic: IConstruct;
  /** CodeDeploy's service role for the deployment groups (staging, prod). */
  readonly codeDeployRole?: IConstruct;
}

/**
 * Every cdk-nag AwsSolutions finding this stack accepts, each with the reason a reviewer can check.
 * Suppressions are scoped to the one construct (and, for IAM5, the one finding) they concern.
 */
export const addNagSuppressions = (subjects: NagSubjects): void => {
  const { config } = subjects;
  for (const fn of subjects.functions) {
    NagSuppressions.addResourceSuppressions(fn, [
      {
        id: 'AwsSolutions-L1',
        reason:
          'nodejs22.x is the pinned runtime: the project builds and tests on Node 22 and Powertools/SDK are verified on it. Move to a newer runtime deliberately, together with the toolchain.',
      },
    ]);
    if (!fn.role) throw new Error(`${fn.node.path} has no role to attach its cdk-nag suppression to`);
    NagSuppressions.addResourceSuppressions(
      fn.role,
      [
        {
          id: 'AwsSolutions-IAM5',
          appliesTo: ['Resource::*'],
          reason:
            'X-Ray active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions, so AWS requires Resource "*".',
        },
      ],
      true,
    );
  }
  if (config.api.auth.type === 'none') {
    for (const route of subjects.authenticatedRoutes) {
      NagSuppressions.addResourceSuppressions(route, [
        {
          id: 'AwsSolutions-APIG4',
          reason: `Stage "${config.stageName}" is configured as an open developer stage (api.auth = none in infra/config/stages.ts); staging and prod use the IAM authorizer.`,
        },
      ]);
    }
  }
  NagSuppressions.addResourceSuppressions(subjects.openApiRoute, [
    {
      id: 'AwsSolutions-APIG4',
      reason:
        'GET /openapi.json serves the public API description, generated from code and free of data; clients read it before they have credentials.',
    },
  ]);
  NagSuppressions.addResourceSuppressions(subjects.alarmTopic, [
    {
      id: 'AwsSolutions-SNS3',
      reason:
        'The topic policy denies sns:* (Publish included) to every principal without aws:SecureTransport (PipelineAlarms); the rule only recognises a statement naming sns:Publish.',
    },
  ]);
  if (subjects.codeDeployRole) {
    NagSuppressions.addResourceSuppressions(
      subjects.codeDeployRole,
      [
        {
          id: 'AwsSolutions-IAM4',
          appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited'],
          reason:
            "CodeDeploy's own managed policy for Lambda deployments: it may only read and update aliases, read alarms and invoke hooks named CodeDeployHook_*; AWS keeps it in step with what CodeDeploy calls.",
        },
      ],
      true,
    );
  }
  NagSuppressions.addResourceSuppressions(subjects.idempotencyTable, [
    {
      id: 'AwsSolutions-DDB3',
      reason: 'The idempotency table only holds request records that expire within an hour; restoring them has no value.',
    },
  ]);
  if (!config.pointInTimeRecovery) {
    NagSuppressions.addResourceSuppressions(subjects.ordersTable, [
      {
        id: 'AwsSolutions-DDB3',
        reason: `Stage "${config.stageName}" holds disposable test data (pointInTimeRecovery = false in infra/config/stages.ts); staging and prod enable PITR.`,
      },
    ]);
  }
};
