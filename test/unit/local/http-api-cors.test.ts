import type { CfnTemplate } from '../../../local-runtime/cloud-assembly';
import { corsFromTemplate, corsHeadersFor, isPreflight, withoutCorsHeaders } from '../../../local-runtime/http-api-cors';

/** An `AWS::ApiGatewayV2::Api` with the CorsConfiguration CDK's `corsPreflight` synthesizes. */
const apiWith = (corsConfiguration?: Record<string, unknown>): CfnTemplate => ({
  Resources: {
    Api: {
      Type: 'AWS::ApiGatewayV2::Api',
      Properties: { ProtocolType: 'HTTP', ...(corsConfiguration ? { CorsConfiguration: corsConfiguration } : {}) },
    },
  },
});

const STOREFRONT = corsFromTemplate(
  apiWith({
    AllowOrigins: ['https://shop.example.com', 'http://*'],
    AllowMethods: ['GET', 'POST'],
    AllowHeaders: ['content-type', 'authorization'],
    ExposeHeaders: ['apigw-requestid'],
    MaxAge: 600,
    AllowCredentials: true,
  }),
);

const preflightFrom = (origin: string) => ({ origin, 'access-control-request-method': 'POST' });

describe('http-api-cors', () => {
  it('reads no CORS settings from an API without a CorsConfiguration', () => {
    expect(corsFromTemplate(apiWith())).toBeUndefined();
  });

  it('answers a preflight from an allowed origin with the configured methods, headers, max age and credentials', () => {
    if (!STOREFRONT) throw new Error('the storefront API has a CorsConfiguration');
    expect(corsHeadersFor(STOREFRONT, 'OPTIONS', preflightFrom('https://shop.example.com'))).toEqual({
      'access-control-allow-origin': 'https://shop.example.com',
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET,POST',
      'access-control-allow-headers': 'content-type,authorization',
      'access-control-max-age': '600',
    });
  });

  it('puts the origin and exposed headers, not the preflight ones, on the answer to a CORS request', () => {
    if (!STOREFRONT) throw new Error('the storefront API has a CorsConfiguration');
    expect(corsHeadersFor(STOREFRONT, 'POST', { origin: 'http://localhost:5173' })).toEqual({
      'access-control-allow-origin': 'http://localhost:5173',
      'access-control-allow-credentials': 'true',
      'access-control-expose-headers': 'apigw-requestid',
    });
  });

  it('adds no CORS header for an origin the configuration does not allow, or for a request without an Origin', () => {
    if (!STOREFRONT) throw new Error('the storefront API has a CorsConfiguration');
    expect(corsHeadersFor(STOREFRONT, 'OPTIONS', preflightFrom('https://evil.example.net'))).toEqual({});
    expect(corsHeadersFor(STOREFRONT, 'GET', { origin: 'https://shop.example.com.evil.net' })).toEqual({});
    expect(corsHeadersFor(STOREFRONT, 'GET', {})).toEqual({});
  });

  it('answers any origin with "*" when the configuration allows every origin', () => {
    const open = corsFromTemplate(apiWith({ AllowOrigins: ['*'], AllowMethods: ['*'] }));
    if (!open) throw new Error('the open API has a CorsConfiguration');
    expect(corsHeadersFor(open, 'OPTIONS', preflightFrom('https://anyone.example'))).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': '*',
    });
  });

  it('takes only an OPTIONS request with both Origin and Access-Control-Request-Method for a preflight', () => {
    expect(isPreflight('OPTIONS', preflightFrom('https://shop.example.com'))).toBe(true);
    expect(isPreflight('OPTIONS', { origin: 'https://shop.example.com' })).toBe(false);
    expect(isPreflight('POST', preflightFrom('https://shop.example.com'))).toBe(false);
  });

  it("drops the integration's own CORS headers, whatever their case, and keeps the rest", () => {
    expect(withoutCorsHeaders({ 'Access-Control-Allow-Origin': '*', 'content-type': 'application/json' })).toEqual({
      'content-type': 'application/json',
    });
  });
});
