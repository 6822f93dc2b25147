import { type CfnTemplate, resourcesOfType } from './cloud-assembly';
import { localApiId } from './http-api';
import type { LocalResource } from './intrinsics';

/**
 * What the template's HTTP APIs resolve to locally: Ref is the local API id, ApiEndpoint the local front's URL.
 * An output built as `https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/…` (CDK's `HttpApi.url`) then
 * reads `https://<id>.execute-api.us-east-1.amazonaws.com/…`, which `localApiUrl` turns into the local URL.
 */
export const apiResources = (template: CfnTemplate, stackName: string, apiUrl: string): Map<string, LocalResource> => {
  const apiId = localApiId(stackName);
  return new Map(
    resourcesOfType(template, 'AWS::ApiGatewayV2::Api').map(([logicalId]) => [
      logicalId,
      { ref: apiId, attributes: { ApiEndpoint: apiUrl, ApiId: apiId } },
    ]),
  );
};

/**
 * A resolved output value with the stage's execute-api URL replaced by the local front's: the front serves every
 * stage at its root (as the `$default` stage), so a named stage's path is left out too.
 */
export const localApiUrl = (value: string, template: CfnTemplate, stackName: string, apiUrl: string): string => {
  const apiId = localApiId(stackName);
  const awsUrl = new RegExp(`https://${apiId}\\.execute-api\\.[a-z0-9-]+\\.amazonaws\\.com(?=/|$)(/[^/?#]*)?`, 'g');
  const stageNames = new Set(
    resourcesOfType(template, 'AWS::ApiGatewayV2::Stage')
      .map(([, stage]) => String(stage.Properties?.StageName ?? ''))
      .filter((name) => name !== '' && name !== '$default'),
  );
  return value.replace(awsUrl, (_url, firstSegment: string | undefined) =>
    firstSegment !== undefined && stageNames.has(firstSegment.slice(1)) ? apiUrl : `${apiUrl}${firstSegment ?? ''}`,
  );
};
