import { rmSync } from 'node:fs';
import { SYNTH_CACHE_ENV } from './synth-cache-setup';

/** Jest global teardown: removes the run's synth cache folder. */
export default (): void => {
  const cacheDir = process.env[SYNTH_CACHE_ENV];
  if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
};
