import { type CfnTemplate, resourcesOfType } from './cloud-assembly';
import { invokedFunctionId } from './function-reference';

/** An HTTP API integration's default (and longest) timeout. */
const DEFAULT_INTEGRATION_TIMEOUT_MS = 30_000;

/** The catch-all route's key: it has neither method nor path. */
export const DEFAULT_ROUTE_KEY = '$default';

export interface LocalRoute {
  /** `GET`, `POST`, … or `ANY`; `ANY` for the `$default` route. */
  readonly method: string;
  /** Undefined for the `$default` route. */
  readonly path?: string;
  readonly routeKey: string;
  readonly functionLogicalId: string;
  readonly authorizationType: string;
  /** The integration's TimeoutInMillis: API Gateway answers 503 when the function has not answered by then. */
  readonly integrationTimeoutMs: number;
}

export class UnsupportedRouteError extends Error {
  override readonly name = 'UnsupportedRouteError';
}

/** Reads routes → integrations → functions from the template (payload format 2.0 Lambda proxies). */
export const routesFromTemplate = (template: CfnTemplate): LocalRoute[] => {
  const integrations = new Map(resourcesOfType(template, 'AWS::ApiGatewayV2::Integration'));
  return resourcesOfType(template, 'AWS::ApiGatewayV2::Route').map(([logicalId, route]) => {
    const props = route.Properties ?? {};
    const integrationId: string | undefined = props.Target?.['Fn::Join']?.[1]?.find(
      (part: unknown) => typeof part === 'object' && part !== null && 'Ref' in part,
    )?.Ref;
    const integration = integrationId ? integrations.get(integrationId)?.Properties : undefined;
    // The function itself, or its version or alias (the `live` alias every stage's integrations invoke).
    const functionLogicalId = invokedFunctionId(template, integration?.IntegrationUri);
    if (!functionLogicalId) {
      throw new UnsupportedRouteError(
        `route ${logicalId} (${props.RouteKey}) does not target a Lambda proxy integration, the only kind the local runtime runs; ` +
          'give it an HttpLambdaIntegration or leave it out of the stack you run locally.',
      );
    }
    const routeKey = String(props.RouteKey);
    const [method, path] = routeKey === DEFAULT_ROUTE_KEY ? ['ANY', undefined] : routeKey.split(' ');
    return {
      method,
      path,
      routeKey,
      functionLogicalId,
      authorizationType: props.AuthorizationType ?? 'NONE',
      integrationTimeoutMs: Number(integration?.TimeoutInMillis ?? DEFAULT_INTEGRATION_TIMEOUT_MS),
    };
  });
};

type Segment =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'variable'; readonly name: string }
  | { readonly kind: 'greedy'; readonly name: string };

/** How specific a segment is: a literal beats a variable, a variable beats a greedy one. */
const SEGMENT_RANK = { literal: 0, variable: 1, greedy: 2 } as const;

const segmentsOf = (path: string): Segment[] =>
  path.split('/').map((segment): Segment => {
    if (/^\{.+\+\}$/.test(segment)) return { kind: 'greedy', name: segment.slice(1, -2) };
    if (/^\{.+\}$/.test(segment)) return { kind: 'variable', name: segment.slice(1, -1) };
    return { kind: 'literal', text: segment };
  });

/** The path parameters when the route's path matches the request path (as sent), else undefined. */
const matchPath = (routeSegments: readonly Segment[], requestSegments: readonly string[]): Record<string, string> | undefined => {
  const parameters: Record<string, string> = {};
  for (const [index, segment] of routeSegments.entries()) {
    if (segment.kind === 'greedy') {
      // A greedy variable takes the rest of the path, at least one character of it.
      const rest = requestSegments.slice(index).join('/');
      if (rest === '') return undefined;
      parameters[segment.name] = rest;
      return parameters;
    }
    const sent = requestSegments[index];
    if (sent === undefined) return undefined;
    if (segment.kind === 'literal') {
      if (segment.text !== sent) return undefined;
    } else {
      if (sent === '') return undefined;
      parameters[segment.name] = sent;
    }
  }
  return routeSegments.length === requestSegments.length ? parameters : undefined;
};

/** 0: a path without variables; 1: with path variables; 2: with a greedy variable. */
const tierOf = (segments: readonly Segment[]): number => Math.max(...segments.map((segment) => SEGMENT_RANK[segment.kind]));

interface Candidate {
  readonly route: LocalRoute;
  readonly segments: readonly Segment[];
  readonly pathParameters: Record<string, string>;
}

/** Negative when `a` is the better match: API Gateway's precedence (docs/local-runtime.md, "HTTP API"). */
const byPrecedence = (a: Candidate, b: Candidate): number => {
  const tiers = tierOf(a.segments) - tierOf(b.segments);
  if (tiers !== 0) return tiers;
  // The same tier: the segment that is more specific first, from the left, decides.
  for (let index = 0; index < Math.min(a.segments.length, b.segments.length); index += 1) {
    const ranks = SEGMENT_RANK[a.segments[index].kind] - SEGMENT_RANK[b.segments[index].kind];
    if (ranks !== 0) return ranks;
  }
  // A longer greedy route has more literal segments before its greedy one.
  if (a.segments.length !== b.segments.length) return b.segments.length - a.segments.length;
  // The same path: a route for the method beats ANY.
  return Number(a.route.method === 'ANY') - Number(b.route.method === 'ANY');
};

export interface RouteMatch {
  readonly route: LocalRoute;
  readonly pathParameters: Record<string, string> | undefined;
}

/**
 * The route API Gateway picks for a request: among the routes whose method (or ANY) and path match, a path
 * without variables first, then the most specific path with variables, then greedy paths (the longest literal
 * prefix first); a route for the method before ANY on the same path; the `$default` route when nothing else
 * matches. Never template order.
 */
export const matchRoute = (routes: readonly LocalRoute[], method: string, path: string): RouteMatch | undefined => {
  const requestSegments = path.split('/');
  const candidates: Candidate[] = [];
  for (const route of routes) {
    if (route.path === undefined) continue;
    if (route.method !== 'ANY' && route.method !== method) continue;
    const segments = segmentsOf(route.path);
    const pathParameters = matchPath(segments, requestSegments);
    if (pathParameters) candidates.push({ route, segments, pathParameters });
  }
  const [best] = candidates.sort(byPrecedence);
  if (best) {
    return { route: best.route, pathParameters: Object.keys(best.pathParameters).length > 0 ? best.pathParameters : undefined };
  }
  const fallback = routes.find((route) => route.routeKey === DEFAULT_ROUTE_KEY);
  return fallback ? { route: fallback, pathParameters: undefined } : undefined;
};
