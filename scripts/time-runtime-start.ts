// `npm run test:profile-runtime [-- <starts>]`: where a local runtime's start goes (what every integration file pays
// once or more): each start-up line with the milliseconds since the start began, then the stop. The first start
// also pays for loading the runtime's modules; later ones show a warm process.
import { createEphemeralDir, startPipelineIn } from '../local-runtime';

class UsageError extends Error {
  override readonly name = 'UsageError';
}

const startsWanted = (arg: string | undefined): number => {
  const starts = Number(arg ?? 2);
  if (!Number.isInteger(starts) || starts < 1 || starts > 10) {
    throw new UsageError(`starts must be a whole number from 1 to 10, got ${JSON.stringify(arg)}: npm run test:profile-runtime -- 3`);
  }
  return starts;
};

const timeOneStart = async (index: number): Promise<void> => {
  const data = createEphemeralDir('orders-start-time-');
  const began = Date.now();
  const stamp = (line: string) => console.log(`  ${String(Date.now() - began).padStart(6)} ms  ${line}`);
  console.log(`start ${index}:`);
  try {
    const pipeline = await startPipelineIn(data.path, { log: stamp });
    stamp('ready (API answering)');
    const stopping = Date.now();
    await pipeline.stop();
    console.log(`  stopped in ${Date.now() - stopping} ms`);
  } finally {
    data.remove();
  }
};

const main = async () => {
  const starts = startsWanted(process.argv[2]);
  for (let index = 1; index <= starts; index++) await timeOneStart(index);
  console.log(`${starts} start(s) timed; the synth is the span from "synthesizing" to "starting DynamoDB"`);
};

main().catch((error: Error) => {
  console.error(error.name === 'UsageError' ? error.message : error);
  process.exitCode = error.name === 'UsageError' ? 2 : 1;
});
