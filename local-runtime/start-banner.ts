import * as path from 'node:path';
import { resourcesOfType } from './cloud-assembly';
import { routesFromTemplate } from './http-api-routes';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './intrinsics';
import type { LocalRuntime } from './local-runtime';
import { ordersTableOf } from './project-stack';

/** The banner's API line, printed once the stack runs, with the API's base URL: how tools that start `npm start` find it. */
export const BANNER_API_LINE = /^ {2}API\s+(http:\/\/\S+)/m;

export interface BannerFacts {
  readonly runtime: Pick<
    LocalRuntime,
    | 'stackName'
    | 'assembly'
    | 'resources'
    | 'outputs'
    | 'apiUrl'
    | 'apiHttpsUrl'
    | 'dashboardUrl'
    | 'lambdaEndpoint'
    | 'certificateFile'
    | 'outputsFile'
    | 'logDir'
  >;
  /** This project's stage, when it runs one (not with --app). */
  readonly stage?: string;
  readonly readySeconds: number;
  readonly watch: boolean;
  /** Paths are shown relative to this folder. */
  readonly cwd: string;
  /** A sample order body, shown in the curl example for this project's stack. */
  readonly sampleOrderFile: string;
}

const namesOf = (facts: BannerFacts, type: string): string[] =>
  resourcesOfType(facts.runtime.assembly.template, type).map(([logicalId]) => facts.runtime.resources.get(logicalId)?.ref ?? logicalId);

/** What `npm start` prints once the stack runs: where everything is, from the template, and how to try it. */
export const startBanner = (facts: BannerFacts): string => {
  const { runtime } = facts;
  const relative = (file: string) => path.relative(facts.cwd, file);
  const routes = routesFromTemplate(runtime.assembly.template);
  const tables = namesOf(facts, 'AWS::DynamoDB::Table');
  const queues = namesOf(facts, 'AWS::SQS::Queue');
  const lines = [
    '',
    `${facts.stage ? `orders-pipeline ${facts.stage}` : runtime.stackName} is running locally (ready in ${facts.readySeconds.toFixed(1)} s)`,
    '',
    `  API        ${runtime.apiUrl}  (${routes.length} route${routes.length === 1 ? '' : 's'}: ${routes.map((route) => route.routeKey).join(', ') || 'none'})`,
    `             ${runtime.apiHttpsUrl}  (self-signed: curl --cacert ${relative(runtime.certificateFile)})`,
    `  Dashboard  ${runtime.dashboardUrl}  (live metrics, the template's alarms evaluated locally, last failures, order search)`,
    `  Lambda     ${runtime.lambdaEndpoint}  (Lambda API: npm run consumer -- status --local, aws lambda --endpoint-url)`,
    `  DynamoDB   ${runtime.outputs.DynamoDbEndpoint}  ${tables.length ? `tables ${tables.join(', ')}` : 'no tables'}`,
    `  SQS        ${runtime.outputs.SqsEndpoint}  ${queues.length ? `queues ${queues.join(', ')}` : 'no queues'}`,
    `  Outputs    ${relative(runtime.outputsFile)}`,
    `  Logs       ${relative(runtime.logDir)}/`,
  ];
  const orderRoute = routes.find((route) => route.routeKey === 'POST /orders');
  const ordersTable = ordersTableOf(runtime.outputs);
  if (orderRoute && ordersTable) {
    // On IAM stages the route verifies SigV4: curl signs with the local credentials (docs/local-runtime.md, Fidelity).
    const signed =
      orderRoute.authorizationType === 'AWS_IAM'
        ? ` --aws-sigv4 'aws:amz:${LOCAL_REGION}:execute-api' --user ${LOCAL_CREDENTIALS.accessKeyId}:${LOCAL_CREDENTIALS.secretAccessKey}`
        : '';
    lines.push(
      '',
      'Try it:',
      `  curl -i${signed} -X POST ${runtime.apiUrl}/orders -H 'content-type: application/json' -d @${relative(facts.sampleOrderFile)}`,
      `  AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=${LOCAL_REGION} \\`,
      `    aws --endpoint-url ${runtime.outputs.DynamoDbEndpoint} dynamodb scan --table-name ${ordersTable}`,
    );
  }
  lines.push(
    '',
    `Ctrl-C stops (in-flight batches finish first). One line per event-source batch follows${facts.watch ? ', and one per reload' : ''}.`,
    '',
  );
  return lines.join('\n');
};
