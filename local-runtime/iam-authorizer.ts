import { senderIdFor } from './emulators/sqs-message-identity';
import { parseAuthorization, referenceAuthorization, type SigningCredentials } from './sigv4-verifier';

/** `requestContext.authorizer.iam` of a payload 2.0 event, as API Gateway fills it for a SigV4-signed request. */
export interface IamIdentity {
  readonly accessKey: string;
  readonly accountId: string;
  readonly callerId: string;
  readonly cognitoIdentity: null;
  readonly principalOrgId: null;
  readonly userArn: string;
  readonly userId: string;
}

export type IamDecision =
  | { readonly allowed: true; readonly identity: IamIdentity }
  /** `message` is API Gateway's own answer; `hint` says, for the runtime's log, what to do about it. */
  | { readonly allowed: false; readonly message: string; readonly hint: string };

export interface SignedRequest {
  readonly method: string;
  /** Decoded path, as the signer saw it before escaping. */
  readonly path: string;
  readonly query: Readonly<Record<string, string | string[]>>;
  /** Lower-case names; repeated headers joined with ",", as SigV4 canonicalizes them. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

/** API Gateway refuses signatures dated more than 5 minutes from its clock. */
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

const amzDateOf = (value: string): Date | undefined => {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return match ? new Date(Date.UTC(+match[1], +match[2] - 1, +match[3], +match[4], +match[5], +match[6])) : undefined;
};

/** SigV4's date format, as API Gateway quotes dates in its answers: 20261207T013000Z. */
const amzDate = (date: Date): string => date.toISOString().replace(/[:-]|\.\d{3}/g, '');

const refuse = (message: string, hint: string): IamDecision => ({ allowed: false, message, hint });

/**
 * IAM authorization of an HTTP API route, locally: the request must be signed with SigV4 (service execute-api,
 * the local region) by one of the credentials the runtime knows (the emulators' local pair), within 5 minutes
 * of now, over the body as received (its SHA-256, never the `x-amz-content-sha256` header's claim). The signature is recomputed with the SDK's signer; the caller is the IAM user `local` of the local
 * account. Policies are not evaluated: on AWS the caller also needs execute-api:Invoke on the route.
 */
export const authorizeIamRequest = async (
  request: SignedRequest,
  options: {
    readonly credentials: readonly SigningCredentials[];
    readonly region: string;
    readonly accountId: string;
    readonly now?: Date;
  },
): Promise<IamDecision> => {
  const howToSign = `sign requests with SigV4 for execute-api in ${options.region} with the local credentials (AWS_ACCESS_KEY_ID=${options.credentials[0]?.accessKeyId} AWS_SECRET_ACCESS_KEY=${options.credentials[0]?.secretAccessKey})`;
  const authorization = request.headers.authorization;
  if (authorization === undefined) return refuse('Forbidden', `the route uses IAM auth and the request is not signed: ${howToSign}`);
  const parsed = parseAuthorization(authorization);
  if (!parsed) return refuse('Forbidden', `the Authorization header is not an AWS4-HMAC-SHA256 signature: ${howToSign}`);
  const [accessKeyId, , region, service] = parsed.credential.split('/');
  const credentials = options.credentials.find((candidate) => candidate.accessKeyId === accessKeyId);
  if (!credentials)
    return refuse('The security token included in the request is invalid.', `access key ${accessKeyId} is not the local one: ${howToSign}`);
  if (region !== options.region)
    return refuse(`Credential should be scoped to a valid region, not '${region}'. `, `the signature is scoped to ${region}: ${howToSign}`);
  if (service !== 'execute-api')
    return refuse("Credential should be scoped to correct service: 'execute-api'. ", `the signature is for ${service}: ${howToSign}`);
  const signedAt = amzDateOf(request.headers['x-amz-date'] ?? '');
  if (!signedAt) return refuse('Forbidden', `the request has no valid x-amz-date header: ${howToSign}`);
  const now = options.now ?? new Date();
  if (now.getTime() - signedAt.getTime() > MAX_CLOCK_SKEW_MS) {
    return refuse(
      `Signature expired: ${amzDate(signedAt)} is now earlier than ${amzDate(new Date(now.getTime() - MAX_CLOCK_SKEW_MS))} (${amzDate(now)} - 5 min.)`,
      "the signature is over 5 minutes older than this machine's clock: sign it again",
    );
  }
  if (signedAt.getTime() - now.getTime() > MAX_CLOCK_SKEW_MS) {
    return refuse(
      `Signature not yet current: ${amzDate(signedAt)} is still later than ${amzDate(new Date(now.getTime() + MAX_CLOCK_SKEW_MS))} (${amzDate(now)} + 5 min.)`,
      "the signature is dated over 5 minutes ahead of this machine's clock: check the signer's clock and sign it again",
    );
  }
  const expected = await referenceAuthorization(
    request,
    parsed.signedHeaders,
    { credentials, region: options.region, service: 'execute-api' },
    signedAt,
  );
  if (expected === undefined || !expected.endsWith(`Signature=${parsed.signature}`)) {
    return refuse(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      `the signature does not match this request (its path, query, signed headers or body changed after signing, the payload was signed as UNSIGNED-PAYLOAD, which execute-api does not accept, or the secret is not the local one): ${howToSign}`,
    );
  }
  // One IAM user per local access key, with the unique id SQS records as the SenderId of its messages, as on AWS.
  const userId = senderIdFor(accessKeyId);
  return {
    allowed: true,
    identity: {
      accessKey: accessKeyId,
      accountId: options.accountId,
      callerId: userId,
      cognitoIdentity: null,
      principalOrgId: null,
      userArn: `arn:aws:iam::${options.accountId}:user/${accessKeyId}`,
      userId,
    },
  };
};
