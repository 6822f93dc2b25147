// A warm synth process for watch mode: aws-cdk-lib stays loaded between synths, the project's own modules are
// loaded fresh for each (so an edit to infra/ is seen), and the runtime's event loop never blocks on a synth.
import * as path from 'node:path';
import { AssetStaging } from 'aws-cdk-lib';
import type { SynthReply, SynthRequest } from './synth-process';

const PROJECT_ROOT = path.join(__dirname, '..', '..');
const CLOUD_ASSEMBLY = path.join(PROJECT_ROOT, 'local-runtime', 'cloud-assembly');

const isProjectModule = (file: string) => file.startsWith(PROJECT_ROOT + path.sep) && !file.includes(`${path.sep}node_modules${path.sep}`);

const forgetProjectModules = () => {
  for (const file of Object.keys(require.cache)) if (isProjectModule(file)) delete require.cache[file];
};

/** The error's message and the first place in the project's own code it came from. */
const describe = (error: unknown): string => {
  const { message, stack } = error as Error;
  const frame = String(stack ?? '')
    .split('\n')
    .map((line) => /\(?((?:\/|[A-Za-z]:\\)[^():]+):(\d+):(\d+)\)?$/.exec(line.trim()))
    .find((match) => match && isProjectModule(match[1]));
  const where = frame ? `${path.relative(PROJECT_ROOT, frame[1])}:${frame[2]}:${frame[3]}: ` : '';
  return `${where}${message ?? String(error)}`;
};

const send = (reply: SynthReply) => process.send?.(reply);

// Loads aws-cdk-lib and every module the stack uses while nothing waits for a synth. A broken edit fails here
// too: the synth request reports it.
try {
  require(CLOUD_ASSEMBLY);
} catch {}
process.on('disconnect', () => process.exit(0));
process.on('message', (request: SynthRequest) => {
  forgetProjectModules();
  // CDK caches a bundled asset per process by its source path and bundling options, not by the source's content:
  // without this a second synth would stage the first synth's function bundles.
  AssetStaging.clearAssetHashCache();
  try {
    const { synthesizeStage } = require(CLOUD_ASSEMBLY) as typeof import('../cloud-assembly');
    const assembly = synthesizeStage(request.stage, request.outdir);
    send({ ok: true, stackName: assembly.stackName, builds: assembly.builds });
  } catch (error) {
    send({ ok: false, error: describe(error) });
  }
});
send({ ok: true, ready: true });
