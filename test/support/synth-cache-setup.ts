import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** The run's synth cache folder (see synth-cache.ts); the jest workers inherit the variable. */
export const SYNTH_CACHE_ENV = 'ORDERS_TEST_SYNTH_CACHE';

/** Jest global setup of the projects that start local runtimes (integration, conformance). */
export default (): void => {
  process.env[SYNTH_CACHE_ENV] = mkdtempSync(path.join(tmpdir(), 'orders-test-synth-'));
};
