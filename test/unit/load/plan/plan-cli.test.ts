import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parsePlanArgs } from '../../../../load/plan-cli';
import { HelpShown, UsageError } from '../../../../ops/cli-kit';

describe('load/plan-cli', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'plan-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('shows help', () => {
    expect(parsePlanArgs(['--help'])).toBeInstanceOf(HelpShown);
  });

  it('refuses unknown options, unknown stages and a run without a stage', () => {
    expect(() => parsePlanArgs(['--stage', 'prod', '--bogus'])).toThrow(UsageError);
    expect(() => parsePlanArgs(['--stage', 'qa'])).toThrow(/Allowed choices are dev, staging, prod/);
    expect(() => parsePlanArgs([])).toThrow(/Name a stage with --stage/);
    expect(() => parsePlanArgs(['--stage', 'prod', '--batch-intake', '26'])).toThrow(UsageError);
  });

  it('reads a traffic profile and refuses a malformed one with the field at fault', () => {
    const good = path.join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ segments: [{ atSecond: 0, ordersPerSecond: 100 }], endSecond: 60 }));
    const options = parsePlanArgs(['--stage', 'prod', '--profile', good, '--seed', '3']);
    expect(options).toMatchObject({ stage: 'prod', seed: 3, profile: { endSecond: 60 } });
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ segments: [{ atSecond: -1, ordersPerSecond: 100 }], endSecond: 60 }));
    expect(() => parsePlanArgs(['--stage', 'prod', '--profile', bad])).toThrow(/segments\.0\.atSecond/);
    expect(() => parsePlanArgs(['--stage', 'prod', '--profile', path.join(dir, 'missing.json')])).toThrow(/no such file/);
  });
});
