import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

// An App without an outdir synthesizes into a fresh /tmp/cdk.outXXXX that CDK never removes (two dozen per run).
// Here: one folder per test file (its synths run one after another), removed when the file is done.
const outdir = mkdtempSync(path.join(tmpdir(), 'orders-cdk-out-'));
process.env.CDK_OUTDIR = outdir;
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
