import { OpsError } from '../cli-kit';

/** What `npm run consumer` calls on AWS, for the permission an AccessDenied lacks. */
export const CONSUMER_PERMISSIONS = [
  'cloudformation:DescribeStacks',
  'sqs:GetQueueAttributes',
  'lambda:ListEventSourceMappings',
  'lambda:GetEventSourceMapping',
  'lambda:UpdateEventSourceMapping (pause, resume, set)',
  'cloudwatch:GetMetricData (status: age of the oldest message)',
] as const;

const ACCESS_DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'UnrecognizedClientException']);

/**
 * An error of `npm run consumer` as a message that says what to do: a missing permission names the action, a mapping
 * still changing says to wait, an unreachable local pipeline says to start it.
 */
export const explainConsumerError = (
  error: unknown,
  context: { readonly local: boolean; readonly whereFlag: string; readonly lambdaEndpoint?: string },
): string => {
  if (error instanceof OpsError) return error.message;
  const { name = 'Error', message = String(error) } = error as { name?: string; message?: string };
  const text = `${name}: ${message}`;
  const status = `npm run consumer -- status ${context.whereFlag}`;
  if (ACCESS_DENIED.has(name) || /not authorized to perform/i.test(message)) {
    const action = /perform:? ([a-z0-9-]+:[A-Za-z0-9]+)/i.exec(message)?.[1];
    return (
      `Your AWS identity may not ${action ? `call ${action}` : 'do this'} (${text}). ` +
      `Ask for ${action ?? 'the permission'} on the stage's resources, or use a role that has it. ` +
      `npm run consumer needs: ${CONSUMER_PERMISSIONS.join(', ')}.`
    );
  }
  if (name === 'ResourceInUseException') {
    return `The event source mapping is still changing (${message}). Wait until "${status}" shows Enabled or Disabled, then retry.`;
  }
  if (name === 'ResourceNotFoundException') {
    return `The event source mapping is gone (${message}): it was replaced by a deploy or npm start restarted. Run "${status}" to find it again.`;
  }
  if (name === 'InvalidParameterValueException') return `Lambda refused the change: ${message}`;
  if (name === 'TooManyRequestsException') return `Lambda throttled the request (${message}): retry in a few seconds.`;
  if (context.local && /ECONNREFUSED|ECONNRESET|fetch failed|connect/i.test(`${text} ${(error as { code?: string }).code ?? ''}`)) {
    const endpoint = context.lambdaEndpoint ? ` (Lambda API ${context.lambdaEndpoint})` : '';
    return `Cannot reach the local pipeline${endpoint}: is "npm start" running? Start it, then retry. (${text})`;
  }
  return text;
};
