// npm run trace -- <orderId> [--stage <name> | --outputs <file>]: an order's journey through the pipeline (docs/operations.md).
import * as path from 'node:path';
import { Option } from 'commander';
import { STAGE_NAMES } from '../infra/config/stages';
import { ORDER_ID_PATTERN } from '../shared-layer/src/tooling';
import { type HelpShown, UsageError, cliProgram, parseCommandLine, parseWith, runMain, wholeNumber } from './cli-kit';
import { formatJourney } from './trace/journey';
import { localSources, stageSources } from './trace/sources';
import { traceOrder } from './trace/trace-order';

export interface TraceCommand {
  readonly orderId: string;
  readonly stage?: string;
  readonly outputs: string;
  readonly days: number;
  readonly json: boolean;
}

const program = () =>
  cliProgram(
    'npm run trace --',
    "Prints an order's journey: accepted, each delivery to the consumer and what came of it, stored or dead-lettered (with the reason), redriven.",
  )
    .argument('<orderId>', 'the order to trace')
    .addOption(
      new Option('--stage <name>', 'a deployed stage (AWS credentials and region as usual); default: the local pipeline').choices(
        STAGE_NAMES,
      ),
    )
    .option('--outputs <file>', 'the local pipeline’s outputs file', path.join('.local', 'outputs.json'))
    .option('--days <n>', 'on a stage: how many days of logs to search', wholeNumber({ min: 1, max: 30 }), 7)
    .option('--json', 'print the journey as JSON');

export const parseTraceArgs = (args: string[]): TraceCommand | HelpShown =>
  parseWith(program(), args, (parsed) => {
    const [orderId] = parsed.args;
    if (!ORDER_ID_PATTERN.test(orderId)) {
      throw new UsageError(`"${orderId}" is not an order id: 1-64 letters, digits, "_" or "-", starting with a letter or digit.`);
    }
    const options = parsed.opts<{ stage?: string; outputs: string; days: number; json?: boolean }>();
    return { orderId, stage: options.stage, outputs: path.resolve(options.outputs), days: options.days, json: options.json === true };
  });

const main = async () => {
  const command = parseCommandLine(parseTraceArgs);
  const sources = command.stage ? await stageSources(command.stage, command.days) : localSources(command.outputs);
  try {
    if (!command.json) process.stderr.write(`tracing ${command.orderId} on ${sources.where} ...\n`);
    const journey = await traceOrder(command.orderId, sources);
    process.stdout.write(
      command.json ? `${JSON.stringify(journey, null, 2)}\n` : `${formatJourney(journey, sources.where, sources.searched)}\n`,
    );
    return journey.status === 'UNKNOWN' ? 1 : 0;
  } finally {
    sources.close();
  }
};

if (require.main === module) runMain('trace', main);
