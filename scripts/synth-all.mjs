// Synthesizes every stage offline into cdk.out/<stage>/ and prints what each template holds.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const STAGES = ['dev', 'staging', 'prod'];
const env = { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' };
const started = Date.now();
const summary = [];

for (const [index, stage] of STAGES.entries()) {
  const outdir = path.join('cdk.out', stage);
  process.stdout.write(`[${index + 1}/${STAGES.length}] synthesizing ${stage} ... `);
  const result = spawnSync('cdk', ['synth', '--no-notices', '--quiet', '-c', `stage=${stage}`, '-o', outdir], {
    env,
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    process.stdout.write('failed\n');
    process.stderr.write(`${result.stdout}${result.stderr}\n`);
    process.stderr.write(
      `cdk synth for stage "${stage}" failed (exit ${result.status}); fix the error above and run \`npm run synth\` again.\n`,
    );
    process.exit(1);
  }
  const templatePath = path.join(outdir, `OrdersPipeline-${stage}.template.json`);
  const template = JSON.parse(readFileSync(templatePath, 'utf8'));
  const resources = Object.values(template.Resources);
  const esm = resources.find((r) => r.Type === 'AWS::Lambda::EventSourceMapping').Properties;
  process.stdout.write('done\n');
  summary.push(
    `  ${stage.padEnd(8)} ${templatePath}  ${resources.length} resources, batch ${esm.BatchSize}, ` +
      `window ${esm.MaximumBatchingWindowInSeconds}s, max concurrency ${esm.ScalingConfig.MaximumConcurrency}`,
  );
}

console.log(`\nSynthesized ${STAGES.length} stages in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
console.log(summary.join('\n'));
console.log('\nDeploy one with: npm run deploy -- -c stage=<dev|staging|prod>');
