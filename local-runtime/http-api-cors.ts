import type { IncomingHttpHeaders } from 'node:http';
import { type CfnTemplate, resourcesOfType } from './cloud-assembly';

/** An `AWS::ApiGatewayV2::Api`'s CorsConfiguration, as API Gateway applies it. */
export interface CorsSettings {
  readonly allowOrigins: readonly string[];
  readonly allowMethods: readonly string[];
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly maxAgeSeconds?: number;
  readonly allowCredentials: boolean;
}

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/**
 * The CORS configuration of the template's HTTP API; undefined when it has none. The local front serves one API: a
 * template with several takes the first one that configures CORS (docs/local-runtime.md, "HTTP API").
 */
export const corsFromTemplate = (template: CfnTemplate): CorsSettings | undefined => {
  for (const [, api] of resourcesOfType(template, 'AWS::ApiGatewayV2::Api')) {
    const cors = api.Properties?.CorsConfiguration;
    if (!cors) continue;
    return {
      allowOrigins: list(cors.AllowOrigins),
      allowMethods: list(cors.AllowMethods),
      allowHeaders: list(cors.AllowHeaders),
      exposeHeaders: list(cors.ExposeHeaders),
      maxAgeSeconds: cors.MaxAge === undefined ? undefined : Number(cors.MaxAge),
      allowCredentials: cors.AllowCredentials === true || cors.AllowCredentials === 'true',
    };
  }
  return undefined;
};

/** `*` allows any origin, `https://*` and `http://*` any origin of that scheme, anything else that origin exactly. */
const originAllowed = (settings: CorsSettings, origin: string): boolean =>
  settings.allowOrigins.some((allowed) => {
    if (allowed === '*') return true;
    if (allowed.endsWith('://*')) return origin.toLowerCase().startsWith(allowed.slice(0, -1).toLowerCase());
    return allowed.toLowerCase() === origin.toLowerCase();
  });

const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** A CORS preflight: an OPTIONS request with an Origin and an Access-Control-Request-Method header. */
export const isPreflight = (method: string | undefined, headers: IncomingHttpHeaders): boolean =>
  method === 'OPTIONS' && single(headers.origin) !== undefined && single(headers['access-control-request-method']) !== undefined;

/**
 * The Access-Control-* headers API Gateway puts on the answer to a request: none without an Origin header or
 * for an origin the configuration does not allow (the browser then refuses the answer); for a preflight, the
 * allowed methods, headers and max age besides.
 */
export const corsHeadersFor = (
  settings: CorsSettings,
  method: string | undefined,
  headers: IncomingHttpHeaders,
): Record<string, string> => {
  const origin = single(headers.origin);
  if (origin === undefined || !originAllowed(settings, origin)) return {};
  const answer: Record<string, string> = {
    'access-control-allow-origin': settings.allowOrigins.includes('*') ? '*' : origin,
  };
  if (settings.allowCredentials) answer['access-control-allow-credentials'] = 'true';
  if (isPreflight(method, headers)) {
    if (settings.allowMethods.length > 0) answer['access-control-allow-methods'] = settings.allowMethods.join(',');
    if (settings.allowHeaders.length > 0) answer['access-control-allow-headers'] = settings.allowHeaders.join(',');
    if (settings.maxAgeSeconds !== undefined) answer['access-control-max-age'] = String(settings.maxAgeSeconds);
  } else if (settings.exposeHeaders.length > 0) {
    answer['access-control-expose-headers'] = settings.exposeHeaders.join(',');
  }
  return answer;
};

/** With CORS configured, API Gateway ignores the CORS headers an integration returns. */
export const withoutCorsHeaders = (headers: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !name.toLowerCase().startsWith('access-control-')));
