// Short socket timeouts: a hung connection should fail fast and be retried by the SDK, not eat
// the invocation's whole time budget. Endpoints come from AWS_ENDPOINT_URL_* when set (local runtime).
// Each client in its own module, so that a function loads only the SDK packages of the clients it creates.
export const AWS_REQUEST_HANDLER = { connectionTimeout: 1_000, requestTimeout: 5_000 } as const;
