import { type SigningCredentials, signRequest } from './sigv4';

/**
 * How a run authorizes its requests, as plain data: the load generator runs in a worker thread,
 * which takes data, not functions. A SigV4 run gets renewed credentials as a new RequestAuth.
 */
export type RequestAuth =
  | { readonly type: 'headers'; readonly headers: Readonly<Record<string, string>> }
  | {
      readonly type: 'sigv4';
      /** Sent and signed along with the SigV4 headers. */
      readonly headers: Readonly<Record<string, string>>;
      /** Host header value of the API (with :port when not the default). */
      readonly host: string;
      readonly region: string;
      readonly credentials: SigningCredentials;
    };

export interface OutgoingRequest {
  readonly method: string;
  readonly path: string;
  readonly body: string;
}

/** The headers of one request; synchronous because autocannon builds each request in a synchronous callback. */
export const requestHeaders = (auth: RequestAuth, request: OutgoingRequest): Record<string, string> =>
  auth.type === 'headers'
    ? { ...auth.headers }
    : signRequest(
        { ...request, host: auth.host, headers: auth.headers },
        { credentials: auth.credentials, region: auth.region, service: 'execute-api' },
      );
