import type { CfnTemplate } from '../../../local-runtime/cloud-assembly';
import { localApiId } from '../../../local-runtime/http-api';
import { apiResources, localApiUrl } from '../../../local-runtime/http-api-url';
import { resolveIntrinsics } from '../../../local-runtime/intrinsics';

const STACK = 'Storefront';
const LOCAL = 'http://127.0.0.1:3260';

const template = (stageName: string): CfnTemplate => ({
  Resources: {
    Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: { ProtocolType: 'HTTP' } },
    Stage: { Type: 'AWS::ApiGatewayV2::Stage', Properties: { ApiId: { Ref: 'Api' }, StageName: stageName } },
  },
});

/** An output as CDK writes `HttpApi.url` / `HttpStage.url`: `https://${Api}.execute-api.${Region}.${URLSuffix}/<stage path>`. */
const stageUrlOutput = (stagePath: string) => ({
  'Fn::Join': ['', ['https://', { Ref: 'Api' }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, `/${stagePath}`]],
});

const outputValue = (value: unknown, stageName: string): string => {
  const resources = apiResources(template(stageName), STACK, LOCAL);
  return localApiUrl(String(resolveIntrinsics(value, resources)), template(stageName), STACK, LOCAL);
};

describe('http-api-url', () => {
  it('gives the ApiEndpoint attribute as the local URL and Ref as the local API id', () => {
    expect(outputValue({ 'Fn::GetAtt': ['Api', 'ApiEndpoint'] }, '$default')).toBe(LOCAL);
    expect(outputValue({ Ref: 'Api' }, '$default')).toBe(localApiId(STACK));
  });

  it("turns the $default stage's execute-api URL into the local URL", () => {
    expect(outputValue(stageUrlOutput(''), '$default')).toBe(`${LOCAL}/`);
    expect(outputValue({ 'Fn::Join': ['', [stageUrlOutput(''), 'orders']] }, '$default')).toBe(`${LOCAL}/orders`);
  });

  it("leaves a named stage's path out: the local front serves every stage at its root", () => {
    expect(outputValue(stageUrlOutput('prod'), 'prod')).toBe(LOCAL);
    expect(outputValue(stageUrlOutput('prod/orders'), 'prod')).toBe(`${LOCAL}/orders`);
  });

  it('leaves other URLs alone', () => {
    expect(outputValue('https://abc.execute-api.us-east-1.amazonaws.com/', '$default')).toBe(
      'https://abc.execute-api.us-east-1.amazonaws.com/',
    );
  });
});
