import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  ASSET_HASH_PLACEHOLDER,
  normaliseTemplate,
  SNAPSHOT_DIR,
  snapshotFileFor,
  templateDiffCheck,
} from '../../../infra/validate/template-diff';
import { checkContextFor } from '../../support/validate-check';

const HASH = 'f32f7b37adfd79e32fab988912d15db3be60f05e1d1204e9456a786fa2da5ec0';

const functionTemplate = (hash: string, memorySize: number) => ({
  Resources: {
    ApiFunction: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Code: { S3Bucket: 'cdk-hnb659fds-assets-123456789012-eu-west-1', S3Key: `${hash}.zip` },
        MemorySize: memorySize,
      },
      Metadata: {
        'aws:cdk:path': 'OrdersPipeline-dev/ApiFunction/Resource',
        'aws:asset:path': `asset.${hash}`,
        'aws:asset:property': 'Code',
      },
    },
  },
});

describe('normaliseTemplate', () => {
  it('replaces the asset hash in S3Key and the aws:asset:path metadata with a placeholder and keeps everything else', () => {
    const normalised = normaliseTemplate(functionTemplate(HASH, 256));
    expect(normalised).toEqual(functionTemplate(ASSET_HASH_PLACEHOLDER, 256));
    expect(JSON.stringify(normalised)).not.toContain(HASH);
  });

  it('gives the same snapshot for two builds whose bundles differ', () => {
    const rebuilt = 'e995f23e6200c99ce50de5df7e172c29cb6ed7afe6ad5ceabcc0c1f8ae50901e';
    expect(normaliseTemplate(functionTemplate(rebuilt, 256))).toEqual(normaliseTemplate(functionTemplate(HASH, 256)));
  });

  it("gives the same snapshot when a handler edit renames the function's current version and everything naming it", () => {
    const versioned = (suffix: string) => ({
      Resources: {
        [`ApiFunctionCurrentVersion4E2A1C38${suffix}`]: {
          Type: 'AWS::Lambda::Version',
          Properties: { FunctionName: { Ref: 'ApiFunction' } },
        },
        ApiFunctionLive: {
          Type: 'AWS::Lambda::Alias',
          Properties: { FunctionVersion: { 'Fn::GetAtt': [`ApiFunctionCurrentVersion4E2A1C38${suffix}`, 'Version'] }, Name: 'live' },
        },
      },
    });
    const before = normaliseTemplate(versioned('709a3713a0b7d423b14833870910201b'));
    expect(normaliseTemplate(versioned('51ae1119509aa0beafca3ed755c78488'))).toEqual(before);
    expect(JSON.stringify(before)).toContain('ApiFunctionCurrentVersion4E2A1C38<version-hash>');
    expect(JSON.stringify(before)).not.toContain('709a3713');
  });
});

describe('templateDiffCheck', () => {
  let snapshotDir: string;

  beforeEach(() => {
    snapshotDir = mkdtempSync(path.join(tmpdir(), 'template-diff-'));
  });

  afterEach(() => {
    rmSync(snapshotDir, { recursive: true, force: true });
  });

  const writeSnapshot = (stage: string, template: Record<string, unknown>) =>
    writeFileSync(snapshotFileFor(stage, snapshotDir), JSON.stringify(normaliseTemplate(template), null, 2));

  it('passes when only asset hashes differ from the snapshot', async () => {
    writeSnapshot('dev', functionTemplate(HASH, 256));
    const outcome = await templateDiffCheck({ update: false, snapshotDir }).run(
      checkContextFor('dev', functionTemplate('a'.repeat(64), 256)),
    );
    expect(outcome.status).toBe('pass');
  });

  it('fails on a changed resource property and prints the cloudformation-diff of it', async () => {
    writeSnapshot('dev', functionTemplate(HASH, 256));
    const outcome = await templateDiffCheck({ update: false, snapshotDir }).run(checkContextFor('dev', functionTemplate(HASH, 512)));
    expect(outcome.status).toBe('fail');
    expect(outcome.detail).toMatch(/^1 change from .*dev\.template\.json: review them, then run npm run validate -- --update/);
    expect(outcome.detail).toMatch(/\[~\] AWS::Lambda::Function ApiFunction[\s\S]*MemorySize[\s\S]*256[\s\S]*512/);
  });

  it('fails on a changed property of a committed stage snapshot', async () => {
    const committed = JSON.parse(readFileSync(path.join(SNAPSHOT_DIR, 'dev.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    writeSnapshot('dev', committed);
    const changed = structuredClone(committed);
    const mapping = Object.values(changed.Resources).find((resource) => resource.Type === 'AWS::Lambda::EventSourceMapping');
    if (!mapping) throw new Error('the dev snapshot has no event source mapping');
    mapping.Properties.BatchSize = 7;
    const outcome = await templateDiffCheck({ update: false, snapshotDir }).run(checkContextFor('dev', changed));
    expect(outcome.status).toBe('fail');
    expect(outcome.detail).toMatch(/AWS::Lambda::EventSourceMapping[\s\S]*BatchSize[\s\S]*\[\+\] 7/);
  });

  it('fails when the stage has no snapshot and says how to write one', async () => {
    const outcome = await templateDiffCheck({ update: false, snapshotDir }).run(checkContextFor('prod', functionTemplate(HASH, 256)));
    expect(outcome).toEqual({ status: 'fail', detail: expect.stringMatching(/no snapshot .*prod\.template\.json.*--update/) });
  });

  it('rewrites the snapshot with --update and says it changed', async () => {
    writeSnapshot('dev', functionTemplate(HASH, 256));
    const outcome = await templateDiffCheck({ update: true, snapshotDir }).run(checkContextFor('dev', functionTemplate(HASH, 512)));
    expect(outcome.status).toBe('pass');
    expect(outcome.detail).toMatch(/^snapshot rewritten: .*dev\.template\.json \(1 change\)/);
    expect(JSON.parse(readFileSync(snapshotFileFor('dev', snapshotDir), 'utf8'))).toEqual(functionTemplate(ASSET_HASH_PLACEHOLDER, 512));
  });
});
