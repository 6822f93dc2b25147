// npm run dlq -- <inspect|redrive> (--local | --stage <name>) [options]: see --help and docs/operations.md, "Redriving the DLQ".
import { type Command, Option } from 'commander';
import {
  EXIT_CODES,
  type HelpShown,
  OpsError,
  ProgressLine,
  UsageError,
  bar,
  cliProgram,
  confirmByTyping,
  duration,
  onStopSignals,
  parseCommandLine,
  parseWith,
  runMain,
  wholeNumber,
} from './cli-kit';
import { confirmMove, confirmNonRetryable, nonRetryableWarning } from './dlq/confirm-move';
import { bodyPreview, type DeadLetterView, MAX_RECEIVES_REASON } from './dlq/dead-letter-view';
import { inspectDeadLetters, type Inspection } from './dlq/inspect';
import { runMoveTask } from './dlq/move-task';
import { redriveByCopy, type RedriveProgress } from './dlq/redrive-by-copy';
import { type PipelineTarget, queueArnOf, queueDepth } from './pipeline-target';
import { type Where, type WhereOptions, requireOneWhere, resolveTarget, whereFlag, whereOf, withWhere } from './where-options';

export type { Where } from './where-options';

export interface InspectCommand {
  readonly command: 'inspect';
  readonly where: Where;
  readonly limit: number;
  readonly json: boolean;
  readonly full: boolean;
}

export interface RedriveCommand {
  readonly command: 'redrive';
  readonly where: Where;
  readonly rate?: number;
  readonly filter?: string;
  readonly maxMoves?: number;
  readonly dryRun: boolean;
  readonly yes: boolean;
}

export type DlqCommand = InspectCommand | RedriveCommand;

// Reading more than this many messages before a redrive (to warn about the ones no redrive fixes) would take minutes.
const SCAN_LIMIT = 1_000;

const dlqProgram = (onCommand: (command: DlqCommand, invoked: Command) => void): Command => {
  const program = cliProgram(
    'npm run dlq --',
    'Inspects the dead-letter queue of the order pipeline and moves its messages back to the order queue.',
  );
  withWhere(
    program
      .command('inspect')
      .description('list DLQ messages (order id, reason, source message, body preview) and counts by reason; the messages stay in the DLQ'),
  )
    .addOption(new Option('--limit <n>', 'read at most n messages').argParser(wholeNumber()).default(100))
    .option('--full', 'print whole bodies instead of one-line previews')
    .option('--json', 'print JSON instead of a table')
    .action((options: WhereOptions & { limit: number; full?: boolean; json?: boolean }, invoked: Command) =>
      onCommand(
        { command: 'inspect', where: whereOf(options), limit: options.limit, json: options.json === true, full: options.full === true },
        invoked,
      ),
    );
  withWhere(program.command('redrive').description('move DLQ messages back to the order queue'))
    .addOption(new Option('--rate <n>', 'at most n messages per second').argParser(wholeNumber()))
    .option('--filter <reason>', 'only messages whose reason is <reason> (as inspect shows it)')
    .addOption(
      new Option(
        '--max-moves <n>',
        'stop after moving n messages (default: the number in the DLQ when the redrive starts), so a message that fails again is not moved forever',
      ).argParser(wholeNumber()),
    )
    .option('--dry-run', 'count what would move, move nothing')
    .option('--yes', 'do not ask for confirmation (asked in prod, and before moving messages no redrive can fix)')
    .action(
      (options: WhereOptions & { rate?: number; filter?: string; maxMoves?: number; dryRun?: boolean; yes?: boolean }, invoked: Command) =>
        onCommand(
          {
            command: 'redrive',
            where: whereOf(options),
            rate: options.rate,
            filter: options.filter,
            maxMoves: options.maxMoves,
            dryRun: options.dryRun === true,
            yes: options.yes === true,
          },
          invoked,
        ),
    );
  program.addHelpText(
    'after',
    `
Run "npm run dlq -- <command> --help" for a command's options. Exit codes: 0 done, 1 failed or not confirmed,
2 a command-line mistake, 130/143 stopped by SIGINT/SIGTERM (what was moved stays moved; nothing is lost).`,
  );
  return program;
};

export const parseDlqArgs = (args: string[]): DlqCommand | HelpShown => {
  let parsed: { command: DlqCommand; invoked: Command } | undefined;
  return parseWith(
    dlqProgram((command, invoked) => (parsed = { command, invoked })),
    args,
    () => {
      // Commander shows the help when no command is named; this only keeps the type honest.
      if (!parsed) throw new UsageError('Name a command: inspect or redrive.');
      requireOneWhere(parsed.command.where, parsed.invoked);
      return parsed.command;
    },
  );
};

const why = (message: DeadLetterView): string =>
  message.retryable
    ? `the consumer failed it on every receive; SQS moved it after maxReceiveCount`
    : `${message.errorMessage ?? '(no message)'}`;

/** The table, then per message its source message, why it failed and its body (a one-line preview unless `full`). */
export const formatInspection = (target: PipelineTarget, inspection: Inspection, approximateTotal: number, full: boolean): string => {
  if (inspection.messages.length === 0) return `The DLQ of ${target.label} is empty.\n`;
  const rows = inspection.messages.map((message) => [
    message.messageId.slice(0, 8),
    message.orderId ?? '(no orderId)',
    message.reason,
    String(message.previousReceives),
    message.firstSentAt.toISOString().replace(/\.\d+Z$/, 'Z'),
    duration(message.ageMs),
  ]);
  const header = ['MESSAGE', 'ORDER ID', 'REASON', 'DLQ READS', 'FIRST SENT', 'AGE'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]))
      .join('  ')
      .trimEnd();
  const indent = ' '.repeat(widths[0] + 2);
  const lines = [line(header)];
  inspection.messages.forEach((message, index) => {
    lines.push(line(rows[index]));
    lines.push(`${indent}source  ${message.sourceMessageId}`);
    lines.push(`${indent}why     ${why(message)}`);
    if (full) lines.push(`${indent}body    ${message.body.split('\n').join(`\n${indent}        `)}`);
    else lines.push(`${indent}body    ${bodyPreview(message.body)}`);
  });
  lines.push('', 'By reason:');
  for (const [reason, count] of Object.entries(inspection.countsByReason).sort((a, b) => b[1] - a[1])) {
    const fixable = reason === MAX_RECEIVES_REASON ? '' : '  (no redrive can fix these)';
    lines.push(`  ${reason.padEnd(32)} ${count}${fixable}`);
  }
  const shown = inspection.truncated ? `first ${inspection.messages.length} of about ${approximateTotal}` : `${inspection.messages.length}`;
  lines.push(
    '',
    `${shown} message(s) in the DLQ of ${target.label}; all are still there and visible.`,
    `Redrive them with: npm run dlq -- redrive ${whereFlag(target)}${Object.keys(inspection.countsByReason).length > 1 ? ' [--filter <reason>]' : ''}`,
  );
  return `${lines.join('\n')}\n`;
};

const inspect = async (target: PipelineTarget, command: InspectCommand): Promise<number> => {
  const progress = new ProgressLine();
  const approximateTotal = (await queueDepth(target.sqs, target.deadLetterQueueUrl)).visible;
  const inspection = await inspectDeadLetters({
    sqs: target.sqs,
    deadLetterQueueUrl: target.deadLetterQueueUrl,
    limit: command.limit,
    onProgress: (read) => progress.update(`reading the DLQ of ${target.label}: ${bar(read, Math.min(command.limit, approximateTotal))}`),
  });
  progress.done();
  if (command.json) process.stdout.write(`${JSON.stringify({ ...inspection, approximateTotal }, null, 2)}\n`);
  else process.stdout.write(formatInspection(target, inspection, approximateTotal, command.full));
  return EXIT_CODES.ok;
};

/** Reasons no redrive fixes, among the messages the redrive would move (read without consuming them). */
const nonRetryableAmong = async (target: PipelineTarget, total: number, matches: (message: DeadLetterView) => boolean) => {
  const scan = await inspectDeadLetters({
    sqs: target.sqs,
    deadLetterQueueUrl: target.deadLetterQueueUrl,
    limit: Math.min(total, SCAN_LIMIT),
  });
  const byReason: Record<string, number> = {};
  for (const message of scan.messages.filter((view) => matches(view) && !view.retryable))
    byReason[message.reason] = (byReason[message.reason] ?? 0) + 1;
  return { byReason, truncated: scan.truncated, read: scan.messages.length };
};

const redrive = async (target: PipelineTarget, command: RedriveCommand): Promise<number> => {
  const out = process.stdout;
  const total = (await queueDepth(target.sqs, target.deadLetterQueueUrl)).visible;
  if (total === 0) {
    out.write(`The DLQ of ${target.label} is empty: nothing to redrive.\n`);
    return EXIT_CODES.ok;
  }
  const filter = command.filter?.toLowerCase();
  const matches = (message: DeadLetterView) => filter === undefined || message.reason.toLowerCase() === filter;
  const nonRetryable = await nonRetryableAmong(target, total, matches);
  const warning = nonRetryableWarning(nonRetryable.byReason, MAX_RECEIVES_REASON);
  if (warning) process.stderr.write(`${warning}${nonRetryable.truncated ? ` (counted among the first ${nonRetryable.read} read)` : ''}\n`);
  const interactive = Boolean(process.stdin.isTTY);
  if (
    !(await confirmNonRetryable({
      byReason: nonRetryable.byReason,
      yes: command.yes,
      dryRun: command.dryRun,
      interactive,
      ask: confirmByTyping,
    }))
  ) {
    process.stderr.write('Not confirmed: nothing moved.\n');
    return EXIT_CODES.failed;
  }
  const what = `${command.filter ? `the messages with reason ${command.filter} among ` : ''}about ${total} message(s)`;
  const confirmed = await confirmMove(what, {
    production: target.production,
    label: target.label,
    dryRun: command.dryRun,
    yes: command.yes,
    interactive,
    ask: confirmByTyping,
  });
  if (!confirmed) {
    process.stderr.write('Not confirmed: nothing moved.\n');
    return EXIT_CODES.failed;
  }
  const maxMoves = command.maxMoves ?? total;
  // SQS's own move task wherever it can do the job, the local SQS included (so that both behave the same); a move
  // task moves everything, so a filter or a dry run copies instead.
  const byMoveTask = command.filter === undefined && !command.dryRun;
  process.stderr.write(
    `${command.dryRun ? 'Dry run: counting' : 'Moving'} ${what} in ${target.label} ` +
      `${byMoveTask ? 'with an SQS message move task' : 'by copy (receive → send → delete, 10 at a time)'}` +
      `${command.rate ? `, at most ${command.rate}/s` : ''}${command.dryRun ? '' : `, at most ${maxMoves} moves`}. Ctrl-C or SIGTERM stops cleanly.\n`,
  );
  const progress = new ProgressLine();
  const stop = onStopSignals();
  const startedAt = Date.now();
  const run: RedriveRun = { target, command, maxMoves, total, signal: stop.signal, progress };
  try {
    const code = byMoveTask ? await redriveByMoveTask(run) : await redriveCopying(run);
    if (stop.received())
      out.write(
        `Stopped by ${stop.received()} after ${duration(Date.now() - startedAt)}. Nothing was lost: run the same command again to move the rest.\n`,
      );
    return stop.exitCode() ?? code;
  } finally {
    stop.dispose();
  }
};

/** After the bound: whatever is in the DLQ now stays (a message the consumer failed again comes back as a new one). */
const reportMaxMoves = async (target: PipelineTarget, maxMoves: number): Promise<void> => {
  const left = (await queueDepth(target.sqs, target.deadLetterQueueUrl)).visible;
  if (left === 0) return;
  process.stdout.write(
    `Stopped at --max-moves ${maxMoves} with about ${left} message(s) in the DLQ (new ones, or ones the consumer failed again): ` +
      `see them with npm run dlq -- inspect ${whereFlag(target)}\n`,
  );
};

/** One redrive as the command line asked for it, whichever way the messages move. */
interface RedriveRun {
  readonly target: PipelineTarget;
  readonly command: RedriveCommand;
  /** Stop after this many moves (--max-moves, default the DLQ's depth at the start). */
  readonly maxMoves: number;
  /** Messages in the DLQ when the redrive started. */
  readonly total: number;
  readonly signal: AbortSignal;
  readonly progress: ProgressLine;
}

const redriveByMoveTask = async ({ target, command, maxMoves, total, signal, progress }: RedriveRun) => {
  const result = await runMoveTask({
    sqs: target.sqs,
    deadLetterQueueArn: await queueArnOf(target.sqs, target.deadLetterQueueUrl),
    queueArn: await queueArnOf(target.sqs, target.queueUrl),
    ratePerSecond: command.rate,
    maxMoves,
    signal,
    onProgress: ({ status, moved, total: toMove }) => progress.update(`${status.toLowerCase()} ${bar(moved, toMove || total)}`),
  });
  progress.done();
  process.stdout.write(
    `Move task ${result.status.toLowerCase()}: moved ${result.moved} of about ${result.total || total}.` +
      `${result.failureReason ? ` SQS says: ${result.failureReason}` : ''}\n`,
  );
  if (result.moved >= maxMoves && result.status === 'CANCELLED' && !signal.aborted) {
    await reportMaxMoves(target, maxMoves);
    return EXIT_CODES.ok;
  }
  return result.status === 'COMPLETED' ? EXIT_CODES.ok : EXIT_CODES.failed;
};

const redriveCopying = async ({ target, command, maxMoves, total, signal, progress }: RedriveRun) => {
  const out = process.stdout;
  const startedAt = Date.now();
  const filter = command.filter?.toLowerCase();
  const summary: RedriveProgress = await redriveByCopy({
    sqs: target.sqs,
    deadLetterQueueUrl: target.deadLetterQueueUrl,
    queueUrl: target.queueUrl,
    filter: filter ? (message) => message.reason.toLowerCase() === filter : undefined,
    dryRun: command.dryRun,
    ratePerSecond: command.rate,
    maxMoves: command.dryRun ? undefined : maxMoves,
    signal,
    onProgress: (now) =>
      progress.update(
        `${bar(now.moved + now.skipped + now.failed, total)}  ${command.dryRun ? 'would move' : 'moved'} ${now.moved}, skipped ${now.skipped}, failed ${now.failed}`,
      ),
  });
  progress.done();
  const verb = command.dryRun ? 'would move' : 'moved';
  out.write(
    `${signal.aborted ? 'Stopped' : 'Done'} in ${duration(Date.now() - startedAt)}: ${verb} ${summary.moved}, skipped ${summary.skipped}, failed ${summary.failed}.\n`,
  );
  if (!command.dryRun && summary.moved >= maxMoves) await reportMaxMoves(target, maxMoves);
  if (summary.failed > 0)
    out.write(`The ${summary.failed} failed message(s) are still in the DLQ. Run the same command again to retry them.\n`);
  if (command.filter && summary.moved === 0 && summary.skipped > 0) {
    out.write(`No message had reason "${command.filter}". See the reasons with: npm run dlq -- inspect ${whereFlag(target)}\n`);
  }
  return summary.failed > 0 ? EXIT_CODES.failed : EXIT_CODES.ok;
};

const explain = (error: unknown, where: Where): string => {
  if (error instanceof OpsError) return error.message;
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (where.local && /ECONNREFUSED|connect/i.test(text)) {
    return `Cannot reach the local SQS named in ${where.outputs}: is "npm start" running? Start it, then retry. (${text})`;
  }
  return text;
};

const main = async (): Promise<number> => {
  const command = parseCommandLine(parseDlqArgs);
  try {
    const target = await resolveTarget(command.where);
    return command.command === 'inspect' ? await inspect(target, command) : await redrive(target, command);
  } catch (error) {
    process.stderr.write(`dlq ${command.command} failed: ${explain(error, command.where)}\n`);
    return EXIT_CODES.failed;
  }
};

if (require.main === module) runMain('dlq', main);
