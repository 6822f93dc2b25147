import type { ApiAuth } from '../config/stages';

/**
 * Who called, for an audit, by the stage's auth: the SigV4 identity's ARN (it names the account, the role and the
 * session) on IAM stages, the token's subject and the authorizer's refusal on JWT stages, nothing on an open stage.
 */
const callerFields = (auth: ApiAuth): Record<string, string> => {
  switch (auth.type) {
    case 'iam':
      return { userArn: '$context.identity.userArn' };
    case 'jwt':
      return { jwtSubject: '$context.authorizer.claims.sub', authorizerError: '$context.authorizer.error' };
    case 'none':
      return {};
  }
};

/**
 * The HTTP API's access-log line, one per request: who called, from where, which route, the answer and how long the
 * function took, and nothing an audit or an operator does not read (no user agent, no response length, no identity
 * fields that cannot apply to the stage), since CloudWatch bills every byte of it (docs/operations.md).
 */
export const accessLogFormat = (auth: ApiAuth): string =>
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    ...callerFields(auth),
    ip: '$context.identity.sourceIp',
    routeKey: '$context.routeKey',
    status: '$context.status',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
  });
