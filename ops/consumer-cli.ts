// npm run consumer -- <status|pause|resume|set> (--local | --stage <name>) [options]: see --help and docs/operations.md, "Stop the bleeding".
import type { EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import { type Command, Option } from 'commander';
import {
  EXIT_CODES,
  type HelpShown,
  ProgressLine,
  UsageError,
  cliProgram,
  confirmByTyping,
  confirmInProduction,
  duration,
  parseCommandLine,
  parseWith,
  runMain,
  wholeNumber,
} from './cli-kit';
import { TRANSITIONAL_STATES, findConsumerMapping, updateMapping, waitUntilSettled } from './consumer/consumer-mapping';
import { type ConsumerTarget, consumerTarget } from './consumer/consumer-target';
import { explainConsumerError } from './consumer/explain-error';
import { queueDepth } from './pipeline-target';
import { type Where, type WhereOptions, requireOneWhere, whereFlag, whereOf, withWhere } from './where-options';

/** The settings `set` changes, bounded as the Lambda API bounds them (botocore lambda 2015-03-31 model, checked 2026-12-07). */
export interface ConsumerSettings {
  readonly batchSize?: number;
  readonly maxConcurrency?: number;
  readonly windowSeconds?: number;
}

export type ConsumerCommand =
  | { readonly command: 'status'; readonly where: Where; readonly json: boolean }
  | { readonly command: 'pause' | 'resume'; readonly where: Where; readonly yes: boolean; readonly waitSeconds: number }
  | {
      readonly command: 'set';
      readonly where: Where;
      readonly yes: boolean;
      readonly waitSeconds: number;
      readonly settings: ConsumerSettings;
    };

const DEFAULT_WAIT_SECONDS = 120;

const withChange = (command: Command): Command =>
  withWhere(command)
    .option('--yes', 'do not ask for confirmation (asked in prod; without a terminal, prod is refused unless --yes)')
    .addOption(
      new Option('--wait <seconds>', 'wait at most this long for the mapping to settle (0: do not wait)')
        .argParser(wholeNumber({ min: 0, max: 900 }))
        .default(DEFAULT_WAIT_SECONDS),
    );

type ChangeOptions = WhereOptions & { yes?: boolean; wait: number };

const consumerProgram = (onCommand: (command: ConsumerCommand, invoked: Command) => void): Command => {
  const program = cliProgram(
    'npm run consumer --',
    "Shows, pauses, resumes and retunes the consumer's event source mapping (the queue → consumer Lambda poller), locally or on AWS.",
  );
  withWhere(
    program
      .command('status')
      .description("the mapping's state and settings, the queue's depth and the age of its oldest message, and the DLQ's depth"),
  )
    .option('--json', 'print JSON instead of text')
    .action((options: WhereOptions & { json?: boolean }, invoked: Command) =>
      onCommand({ command: 'status', where: whereOf(options), json: options.json === true }, invoked),
    );
  for (const [name, description] of [
    ['pause', 'disable the mapping: polling stops, messages wait in the queue (nothing is lost, no receive counts grow)'],
    ['resume', 'enable the mapping again: the queue drains'],
  ] as const) {
    withChange(program.command(name).description(description)).action((options: ChangeOptions, invoked: Command) =>
      onCommand({ command: name, where: whereOf(options), yes: options.yes === true, waitSeconds: options.wait }, invoked),
    );
  }
  withChange(program.command('set').description("change the mapping's batching; the next batch follows the new settings"))
    .addOption(
      new Option('--batch-size <n>', 'records per batch (above 10 needs a window of at least 1 s)').argParser(
        wholeNumber({ min: 1, max: 10_000 }),
      ),
    )
    .addOption(
      new Option('--max-concurrency <n>', 'at most n batches at once (ScalingConfig.MaximumConcurrency)').argParser(
        wholeNumber({ min: 2, max: 1_000 }),
      ),
    )
    .addOption(
      new Option('--window <seconds>', 'gather records for at most this long (MaximumBatchingWindowInSeconds)').argParser(
        wholeNumber({ min: 0, max: 300 }),
      ),
    )
    .action((options: ChangeOptions & { batchSize?: number; maxConcurrency?: number; window?: number }, invoked: Command) =>
      onCommand(
        {
          command: 'set',
          where: whereOf(options),
          yes: options.yes === true,
          waitSeconds: options.wait,
          settings: { batchSize: options.batchSize, maxConcurrency: options.maxConcurrency, windowSeconds: options.window },
        },
        invoked,
      ),
    );
  program.addHelpText(
    'after',
    `
Run "npm run consumer -- <command> --help" for a command's options. Locally it talks to the Lambda API of
"npm start" (LambdaEndpoint in .local/outputs.json), on AWS to Lambda's UpdateEventSourceMapping: the same calls.
Exit codes: 0 done, 1 failed, not confirmed or not settled in time, 2 a command-line mistake.`,
  );
  return program;
};

export const parseConsumerArgs = (args: string[]): ConsumerCommand | HelpShown => {
  let parsed: { command: ConsumerCommand; invoked: Command } | undefined;
  return parseWith(
    consumerProgram((command, invoked) => (parsed = { command, invoked })),
    args,
    () => {
      if (!parsed) throw new UsageError('Name a command: status, pause, resume or set.');
      requireOneWhere(parsed.command.where, parsed.invoked);
      if (parsed.command.command === 'set' && Object.values(parsed.command.settings).every((value) => value === undefined)) {
        throw new UsageError('Say what to set: --batch-size <n>, --max-concurrency <n> and/or --window <seconds>.', parsed.invoked);
      }
      return parsed.command;
    },
  );
};

const describeBatching = (mapping: EventSourceMappingConfiguration): string =>
  `batch size ${mapping.BatchSize}, window ${mapping.MaximumBatchingWindowInSeconds ?? 0} s, ` +
  `max concurrency ${mapping.ScalingConfig?.MaximumConcurrency ?? 'not set (Lambda scales up to its default)'}`;

const lastModified = (mapping: EventSourceMappingConfiguration): string =>
  mapping.LastModified ? mapping.LastModified.toISOString().replace(/\.\d+Z$/, 'Z') : 'unknown';

const status = async (target: ConsumerTarget, json: boolean): Promise<number> => {
  const { pipeline } = target;
  const [mapping, queue, deadLetters, ageSeconds] = await Promise.all([
    findConsumerMapping(target),
    queueDepth(pipeline.sqs, pipeline.queueUrl),
    queueDepth(pipeline.sqs, pipeline.deadLetterQueueUrl),
    target.ageOfOldestMessageSeconds(pipeline.queueUrl),
  ]);
  if (json) {
    process.stdout.write(
      `${JSON.stringify(
        {
          where: pipeline.label,
          mapping: {
            uuid: mapping.UUID,
            state: mapping.State,
            stateTransitionReason: mapping.StateTransitionReason,
            lastModified: mapping.LastModified,
            functionArn: mapping.FunctionArn,
            batchSize: mapping.BatchSize,
            maximumBatchingWindowInSeconds: mapping.MaximumBatchingWindowInSeconds,
            maximumConcurrency: mapping.ScalingConfig?.MaximumConcurrency,
          },
          queue: { ...queue, ageOfOldestMessageSeconds: ageSeconds },
          deadLetterQueue: deadLetters,
        },
        null,
        2,
      )}\n`,
    );
    return EXIT_CODES.ok;
  }
  const queued = queue.visible + queue.inFlight + queue.delayed;
  const age = queued === 0 ? 'empty' : ageSeconds === undefined ? 'no age figure yet' : `oldest message ${duration(ageSeconds * 1000)} old`;
  process.stdout.write(
    `${[
      `Consumer of ${pipeline.label}`,
      `  mapping   ${mapping.UUID}  ${mapping.State} (${mapping.StateTransitionReason ?? 'no reason given'}, last modified ${lastModified(mapping)})`,
      `  invokes   ${mapping.FunctionArn}`,
      `  batching  ${describeBatching(mapping)}`,
      `  queue     ${queue.visible} visible, ${queue.inFlight} in flight, ${queue.delayed} delayed; ${age}`,
      `  DLQ       ${deadLetters.visible} visible, ${deadLetters.inFlight} in flight`,
      mapping.State === 'Disabled'
        ? `Paused: messages wait in the queue. Resume with: npm run consumer -- resume ${whereFlag(pipeline)}`
        : '',
    ]
      .filter(Boolean)
      .join('\n')}\n`,
  );
  return EXIT_CODES.ok;
};

type ChangeCommand = Extract<ConsumerCommand, { command: 'pause' | 'resume' | 'set' }>;

const changeOf = (command: ChangeCommand) => {
  if (command.command !== 'set') return { Enabled: command.command === 'resume' };
  const { batchSize, windowSeconds, maxConcurrency } = command.settings;
  return {
    ...(batchSize !== undefined ? { BatchSize: batchSize } : {}),
    ...(windowSeconds !== undefined ? { MaximumBatchingWindowInSeconds: windowSeconds } : {}),
    ...(maxConcurrency !== undefined ? { ScalingConfig: { MaximumConcurrency: maxConcurrency } } : {}),
  };
};

const change = async (target: ConsumerTarget, command: ChangeCommand): Promise<number> => {
  const { pipeline } = target;
  const mapping = await findConsumerMapping(target);
  const uuid = mapping.UUID ?? '';
  const changes = changeOf(command);
  const what =
    command.command === 'set'
      ? `change the consumer's batching in ${pipeline.label} (${JSON.stringify(changes)})`
      : `${command.command} the consumer in ${pipeline.label}`;
  const confirmed = await confirmInProduction(what, `This will ${what}.`, {
    production: pipeline.production,
    label: pipeline.label,
    yes: command.yes,
    interactive: Boolean(process.stdin.isTTY),
    ask: confirmByTyping,
  });
  if (!confirmed) {
    process.stderr.write('Not confirmed: nothing changed.\n');
    return EXIT_CODES.failed;
  }
  const updated = await updateMapping(target, uuid, changes);
  process.stderr.write(`Mapping ${uuid}: ${mapping.State} → ${updated.State}\n`);
  if (command.waitSeconds === 0) return EXIT_CODES.ok;
  const progress = new ProgressLine();
  const settled = await waitUntilSettled(target, uuid, {
    timeoutMs: command.waitSeconds * 1000,
    intervalMs: pipeline.local ? 200 : 5_000,
    onState: (state, waitedMs) => progress.update(`waiting for ${uuid}: ${state} for ${duration(waitedMs)}`),
  });
  progress.done();
  const flag = whereFlag(pipeline);
  if (TRANSITIONAL_STATES.has(settled.State ?? '')) {
    process.stdout.write(
      `Still ${settled.State} after ${command.waitSeconds} s. Lambda is still applying it: check with npm run consumer -- status ${flag}\n`,
    );
    return EXIT_CODES.failed;
  }
  process.stdout.write(`Consumer of ${pipeline.label}: ${settled.State}; ${describeBatching(settled)}.\n`);
  if (command.command === 'pause') {
    process.stdout.write(`Messages now wait in the queue. Resume with: npm run consumer -- resume ${flag}\n`);
  }
  return EXIT_CODES.ok;
};

const main = async (): Promise<number> => {
  const command = parseCommandLine(parseConsumerArgs);
  const flag = command.where.local ? '--local' : `--stage ${command.where.stage}`;
  let target: ConsumerTarget | undefined;
  try {
    target = await consumerTarget(command.where);
    return command.command === 'status' ? await status(target, command.json) : await change(target, command);
  } catch (error) {
    process.stderr.write(
      `consumer ${command.command} failed: ${explainConsumerError(error, { local: command.where.local, whereFlag: flag, lambdaEndpoint: target?.lambdaEndpoint })}\n`,
    );
    return EXIT_CODES.failed;
  }
};

if (require.main === module) runMain('consumer', main);
