import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { buildOpenApiDocument } from './openapi';

// Derived from code, so it never changes while an environment lives: serialised once, at init.
const body = JSON.stringify(buildOpenApiDocument(), null, 2);

/**
 * GET /openapi.json, public on every stage. A function of its own with a small reserved concurrency: a flood of
 * reads is throttled here and never takes concurrency from order intake. It holds no AWS client and no grant.
 */
export const handler = async (): Promise<APIGatewayProxyStructuredResultV2> => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body,
});
