import type { CfnTemplate } from '../../../local-runtime/cloud-assembly';
import { matchRoute, routesFromTemplate, UnsupportedRouteError } from '../../../local-runtime/http-api-routes';

/** An HTTP API fragment as CDK synthesizes it: each route → its own Lambda proxy integration → a function named after the route. */
const templateWith = (routeKeys: readonly string[]): CfnTemplate => {
  const resources: CfnTemplate['Resources'] = { Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: { ProtocolType: 'HTTP' } } };
  routeKeys.forEach((routeKey, index) => {
    resources[`Integration${index}`] = {
      Type: 'AWS::ApiGatewayV2::Integration',
      Properties: { IntegrationType: 'AWS_PROXY', IntegrationUri: { 'Fn::GetAtt': [`Fn${index}`, 'Arn'] } },
    };
    resources[`Fn${index}`] = { Type: 'AWS::Lambda::Function' };
    resources[`Route${index}`] = {
      Type: 'AWS::ApiGatewayV2::Route',
      Properties: {
        ApiId: { Ref: 'Api' },
        RouteKey: routeKey,
        Target: { 'Fn::Join': ['', ['integrations/', { Ref: `Integration${index}` }]] },
      },
    };
  });
  return { Resources: resources };
};

/** The route key the request goes to, with its path parameters, or "404". */
const routed = (routeKeys: readonly string[], method: string, path: string) => {
  const match = matchRoute(routesFromTemplate(templateWith(routeKeys)), method, path);
  return match ? { routeKey: match.route.routeKey, pathParameters: match.pathParameters } : '404';
};

// Listed least specific first, so that template order cannot be what decides (docs/local-runtime.md, "HTTP API").
const PETS = ['$default', 'ANY /{proxy+}', 'GET /pets/{proxy+}', 'GET /pets/dog/{id}', 'GET /pets/dog/1'];

describe('http-api-routes', () => {
  it('prefers a path without variables over one with variables, and both over greedy paths and $default', () => {
    expect(routed(PETS, 'GET', '/pets/dog/1')).toEqual({ routeKey: 'GET /pets/dog/1', pathParameters: undefined });
    expect(routed(PETS, 'GET', '/pets/dog/2')).toEqual({ routeKey: 'GET /pets/dog/{id}', pathParameters: { id: '2' } });
    expect(routed(PETS, 'GET', '/pets/cat/1')).toEqual({ routeKey: 'GET /pets/{proxy+}', pathParameters: { proxy: 'cat/1' } });
  });

  it('lets a greedy variable take every remaining segment but never an empty rest', () => {
    expect(routed(PETS, 'GET', '/pets/a/b/c')).toEqual({ routeKey: 'GET /pets/{proxy+}', pathParameters: { proxy: 'a/b/c' } });
    expect(routed(PETS, 'GET', '/pets')).toEqual({ routeKey: 'ANY /{proxy+}', pathParameters: { proxy: 'pets' } });
    expect(routed(['GET /pets/{proxy+}'], 'GET', '/pets/')).toBe('404');
  });

  it('sends a method no route names to ANY, and what nothing matches to $default', () => {
    expect(routed(PETS, 'POST', '/pets/dog/1')).toEqual({ routeKey: 'ANY /{proxy+}', pathParameters: { proxy: 'pets/dog/1' } });
    expect(routed(PETS, 'GET', '/')).toEqual({ routeKey: '$default', pathParameters: undefined });
    expect(routed(['GET /pets'], 'GET', '/cats')).toBe('404');
  });

  it('prefers a route for the method over ANY on the same path, whatever their order', () => {
    expect(routed(['ANY /orders', 'POST /orders'], 'POST', '/orders')).toMatchObject({ routeKey: 'POST /orders' });
    expect(routed(['POST /orders', 'ANY /orders'], 'GET', '/orders')).toMatchObject({ routeKey: 'ANY /orders' });
  });

  it('prefers the path more specific from the left among paths with variables, and the longest literal prefix among greedy ones', () => {
    expect(routed(['GET /{a}/items', 'GET /shop/{b}'], 'GET', '/shop/items')).toMatchObject({ routeKey: 'GET /shop/{b}' });
    expect(routed(['GET /a/{proxy+}', 'GET /a/b/{proxy+}'], 'GET', '/a/b/c')).toMatchObject({ routeKey: 'GET /a/b/{proxy+}' });
    // A path with variables beats a greedy one even where the greedy one has more literal segments.
    expect(routed(['GET /a/b/{proxy+}', 'GET /a/{x}/c'], 'GET', '/a/b/c')).toMatchObject({ routeKey: 'GET /a/{x}/c' });
  });

  it('never lets a path variable match an empty segment', () => {
    expect(routed(['GET /orders/{id}'], 'GET', '/orders/')).toBe('404');
  });

  it('refuses a route whose target is not a Lambda proxy integration, saying what to do', () => {
    const template = templateWith(['GET /x']);
    (template.Resources.Integration0.Properties as Record<string, unknown>).IntegrationUri = 'https://example.com';
    expect(() => routesFromTemplate(template)).toThrow(UnsupportedRouteError);
    expect(() => routesFromTemplate(template)).toThrow(/Route0 \(GET \/x\).*HttpLambdaIntegration/);
  });
});
