import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { isDeepStrictEqual } from 'node:util';
import { diffTemplate, formatDifferences } from '@aws-cdk/cloudformation-diff';
import type { Check, CheckContext, CheckOutcome } from './check';

const ROOT = path.resolve(__dirname, '..', '..');
export const SNAPSHOT_DIR = path.join(__dirname, 'snapshots');

/** What an asset hash becomes in a snapshot. */
export const ASSET_HASH_PLACEHOLDER = '<asset-hash>';

// The SHA-256 of a built asset: in S3Key ("<hash>.zip") and the aws:asset:path metadata ("asset.<hash>"). It changes
// with every edit of a handler or the layer (and with the bundler's output), which the diff is not about.
const ASSET_HASH = /[0-9a-f]{64}/g;

/** What a function version's code-dependent hash becomes in a snapshot. */
export const VERSION_HASH_PLACEHOLDER = '<version-hash>';

// CDK names a function's `currentVersion` `<id>CurrentVersion<8 hex of the construct path><32 hex of its code and
// configuration>`, so the logical id (a key, and every Ref/GetAtt naming it) changes with every handler edit too.
const VERSION_HASH = /(CurrentVersion[0-9A-F]{8})[0-9a-f]{32}/g;

const normaliseText = (text: string): string =>
  text.replace(ASSET_HASH, ASSET_HASH_PLACEHOLDER).replace(VERSION_HASH, `$1${VERSION_HASH_PLACEHOLDER}`);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const normalise = (value: Json): Json => {
  if (typeof value === 'string') return normaliseText(value);
  if (Array.isArray(value)) return value.map(normalise);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [normaliseText(key), normalise(item)]));
  }
  return value;
};

/** The template as it is snapshotted: everything that changes from build to build without a change of the stack replaced. */
export const normaliseTemplate = (template: Readonly<Record<string, unknown>>): Record<string, unknown> =>
  normalise(template as { [key: string]: Json }) as Record<string, unknown>;

export const snapshotFileFor = (stage: string, snapshotDir = SNAPSHOT_DIR): string => path.join(snapshotDir, `${stage}.template.json`);

/** cloudformation-diff's rendering (the one `cdk diff` prints) of the change from `before` to `after`. */
export const renderDiff = (before: Record<string, unknown>, after: Record<string, unknown>): { text: string; changes: number } => {
  const diff = diffTemplate(before, after);
  let text = '';
  const collect = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  formatDifferences(collect, diff);
  return { text: text.trimEnd(), changes: diff.differenceCount };
};

export interface TemplateDiffOptions {
  /** Rewrite the snapshot with this synth's template instead of failing on a difference. */
  readonly update: boolean;
  readonly snapshotDir?: string;
}

const writeSnapshot = (file: string, template: Record<string, unknown>): void => {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(template, null, 2)}\n`);
};

/**
 * Compares each stage's template (asset hashes normalised) with its committed, reviewed snapshot, so that a change
 * to what a stage deploys shows up as a diff in review. `update` rewrites the snapshot instead.
 */
export const templateDiffCheck = ({ update, snapshotDir = SNAPSHOT_DIR }: TemplateDiffOptions): Check => ({
  name: 'template-diff',
  async run(context: CheckContext): Promise<CheckOutcome> {
    const file = snapshotFileFor(context.stage, snapshotDir);
    const shown = path.relative(ROOT, file);
    const current = normaliseTemplate(context.template);
    if (!existsSync(file)) {
      if (update) {
        writeSnapshot(file, current);
        return { status: 'pass', detail: `snapshot written: ${shown} (new)` };
      }
      return { status: 'fail', detail: `no snapshot ${shown}: review the template, then run npm run validate -- --update` };
    }
    const snapshot = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    if (isDeepStrictEqual(snapshot, current)) return { status: 'pass', detail: `matches ${shown}` };
    const { text, changes } = renderDiff(snapshot, current);
    const diff = text || '(cloudformation-diff lists no change; the JSON differs outside what it compares)';
    const counted = `${changes} ${changes === 1 ? 'change' : 'changes'}`;
    if (update) {
      writeSnapshot(file, current);
      return { status: 'pass', detail: `snapshot rewritten: ${shown} (${counted})\n${diff}` };
    }
    return {
      status: 'fail',
      detail: `${counted} from ${shown}: review them, then run npm run validate -- --update\n${diff}`,
    };
  },
});

/** The check `npm run validate` runs: a difference from the snapshot fails. */
export const templateDiff: Check = templateDiffCheck({ update: false });
