import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CdkAppError, cdkContextOf, readCloudAssembly } from '../../../local-runtime/cdk-app';
import { createEphemeralDir } from '../../../local-runtime/ephemeral-dir';

/** A cloud assembly as `cdk synth` writes one: a manifest, one template per stack, a nested stage's assembly. */
const writeAssembly = (dir: string) => {
  const template = (queue: string) => JSON.stringify({ Resources: { [queue]: { Type: 'AWS::SQS::Queue' } } });
  writeFileSync(path.join(dir, 'Shop.template.json'), template('ShopQueue'));
  writeFileSync(path.join(dir, 'Reports.template.json'), template('ReportsQueue'));
  mkdirSync(path.join(dir, 'assembly-Prod'));
  writeFileSync(path.join(dir, 'assembly-Prod', 'ProdShop.template.json'), template('ProdQueue'));
  writeFileSync(
    path.join(dir, 'assembly-Prod', 'manifest.json'),
    JSON.stringify({
      artifacts: {
        ProdShop: {
          type: 'aws:cloudformation:stack',
          displayName: 'Prod/Shop',
          properties: { templateFile: 'ProdShop.template.json', stackName: 'Prod-Shop' },
        },
      },
    }),
  );
  writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({
      artifacts: {
        Tree: { type: 'cdk:tree' },
        Shop: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Shop.template.json' } },
        Reports: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Reports.template.json', stackName: 'shop-reports' } },
        Prod: { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Prod' } },
      },
    }),
  );
};

describe('cdk-app', () => {
  const dir = createEphemeralDir('cdk-app-test-');
  beforeAll(() => writeAssembly(dir.path));
  afterAll(() => dir.remove());

  it('refuses an assembly of several stacks without a pick, listing every stack, nested stages included', () => {
    expect(() => readCloudAssembly(dir.path)).toThrow(CdkAppError);
    expect(() => readCloudAssembly(dir.path)).toThrow(
      /has 3 stacks: Shop, shop-reports \(Reports\), Prod-Shop \(Prod\/Shop\)\. Pick the one to run with --stack <name>\./,
    );
  });

  it('picks a stack by its name or by its path, and reads its template', () => {
    expect(readCloudAssembly(dir.path, 'shop-reports').template.Resources).toHaveProperty('ReportsQueue');
    const nested = readCloudAssembly(dir.path, 'Prod/Shop');
    expect(nested.stackName).toBe('Prod-Shop');
    expect(nested.template.Resources).toHaveProperty('ProdQueue');
  });

  it('names the stacks there are when --stack names none of them', () => {
    expect(() => readCloudAssembly(dir.path, 'Shopp')).toThrow(/has no stack "Shopp"; its stacks: Shop, shop-reports/);
  });

  it("gives an app its folder's cdk.json context, cdk.context.json's lookups over it", () => {
    const appDir = path.join(dir.path, 'app');
    mkdirSync(appDir);
    writeFileSync(path.join(appDir, 'cdk.json'), JSON.stringify({ app: 'node app.js', context: { stage: 'dev', flag: true } }));
    writeFileSync(path.join(appDir, 'cdk.context.json'), JSON.stringify({ stage: 'looked-up' }));
    expect(cdkContextOf(appDir)).toEqual({ 'aws:cdk:bundling-stacks': ['**'], stage: 'looked-up', flag: true });
  });
});
