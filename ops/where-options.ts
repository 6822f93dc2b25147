import * as path from 'node:path';
import { type Command, Option } from 'commander';
import { STAGE_NAMES } from '../infra/config/stages';
import { UsageError } from './cli-kit';
import { type PipelineTarget, localTarget, stageTarget } from './pipeline-target';

/** Which pipeline an operator command acts on: the local one (`--local`) or a deployed stage (`--stage <name>`). */
export interface Where {
  readonly local: boolean;
  readonly stage?: string;
  readonly outputs: string;
}

export interface WhereOptions {
  local?: boolean;
  stage?: string;
  outputs: string;
}

export const DEFAULT_OUTPUTS = path.join('.local', 'outputs.json');

/** `--local`, `--stage <name>` and `--outputs <file>` on a (sub)command. */
export const withWhere = (command: Command): Command =>
  command
    .option('--local', 'the pipeline "npm start" runs, found from its outputs file')
    .addOption(
      new Option('--stage <name>', 'a deployed stage, found from stack OrdersPipeline-<name> with your AWS credentials').choices(
        STAGE_NAMES,
      ),
    )
    .option('--outputs <file>', 'with --local: the outputs file npm start writes', DEFAULT_OUTPUTS);

export const whereOf = (options: WhereOptions): Where => ({
  local: options.local === true,
  stage: options.stage,
  outputs: options.outputs,
});

/** Exactly one of --local and --stage, or a usage error pointing at `invoked`'s help. */
export const requireOneWhere = (where: Where, invoked?: Command): Where => {
  if (where.local === (where.stage !== undefined)) {
    throw new UsageError('Say where, once: --local (the pipeline from npm start) or --stage <name> (a deployed stage).', invoked);
  }
  return where;
};

export const resolveTarget = (where: Where): Promise<PipelineTarget> =>
  where.local ? Promise.resolve(localTarget(where.outputs)) : stageTarget(where.stage ?? '');

/** How to name the same pipeline again in a hint: `--local` or `--stage <name>`. */
export const whereFlag = (target: PipelineTarget): string => (target.local ? '--local' : `--stage ${target.label}`);
