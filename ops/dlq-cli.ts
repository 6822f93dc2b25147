// npm run dlq -- <inspect|redrive> (--local | --stage <name>) [options]: see USAGE and docs/operations.md, "Redriving the DLQ".
import { parseArgs } from 'node:util';
import * as path from 'node:path';
import { HELP, HELP_OPTION, parseCommandLine, UsageError, wholeNumberOption } from './cli-kit/program';
import { confirmMove } from './dlq/confirm-move';
import { inspectDeadLetters, Inspection } from './dlq/inspect';
import { runMoveTask } from './dlq/move-task';
import { redriveByCopy, RedriveProgress } from './dlq/redrive-by-copy';
import { OpsError } from './cli-kit/ops-error';
import { PipelineTarget, queueDepth, localTarget, queueArnOf, stageTarget } from './pipeline-target';
import { ProgressLine, bar, confirmByTyping, duration } from './cli-kit/terminal';

const USAGE = `Usage: npm run dlq -- <command> (--local | --stage <dev|staging|prod>) [options]

Commands:
  inspect   list DLQ messages (orderId, reason, earlier DLQ reads, first sent, age) and counts by reason;
            the messages stay in the DLQ
      --limit N     read at most N messages (default 100)
      --json        print JSON instead of a table
  redrive   move DLQ messages back to the order queue
      --rate N      at most N messages per second
      --filter R    only messages whose reason is R (as inspect shows it)
      --dry-run     count what would move, move nothing
      --yes         do not ask for confirmation (prod asks otherwise)

Where:
  --local           the pipeline "npm start" runs (reads .local/outputs.json; --outputs <file> to change)
  --stage <name>    a deployed stage, found from stack OrdersPipeline-<name> with your AWS credentials
  -h, --help        this text`;


const parse = (args: string[]) => {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      local: { type: 'boolean', default: false },
      stage: { type: 'string' },
      outputs: { type: 'string', default: path.join('.local', 'outputs.json') },
      limit: { type: 'string', default: '100' },
      json: { type: 'boolean', default: false },
      rate: { type: 'string' },
      filter: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      yes: { type: 'boolean', default: false },
      help: HELP_OPTION,
    },
  });
  const [command, ...extra] = positionals;
  if (values.help) return HELP;
  if (command !== 'inspect' && command !== 'redrive') throw new UsageError(command ? `Unknown command "${command}".` : 'Name a command: inspect or redrive.');
  if (extra.length > 0) throw new UsageError(`Unexpected argument(s): ${extra.join(' ')}.`);
  if (values.local === (values.stage !== undefined)) {
    throw new UsageError('Say where, once: --local (the pipeline from npm start) or --stage <name> (a deployed stage).');
  }
  return { command, values, limit: wholeNumberOption('limit', values.limit) ?? 100, rate: wholeNumberOption('rate', values.rate) };
};

const resolveTarget = (values: { local: boolean; stage?: string; outputs: string }): Promise<PipelineTarget> =>
  values.local ? Promise.resolve(localTarget(values.outputs)) : stageTarget(values.stage ?? '');

const whereFlag = (target: PipelineTarget) => (target.local ? '--local' : `--stage ${target.label}`);

const printInspection = (target: PipelineTarget, inspection: Inspection, approximateTotal: number): void => {
  const out = process.stdout;
  if (inspection.messages.length === 0) {
    out.write(`The DLQ of ${target.label} is empty.\n`);
    return;
  }
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
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  out.write(`${line(header)}\n`);
  inspection.messages.forEach((message, index) => {
    out.write(`${line(rows[index])}\n`);
    if (message.errorMessage) out.write(`${' '.repeat(widths[0] + 2)}↳ ${message.errorMessage.slice(0, 160)}\n`);
  });
  out.write(`\nBy reason:\n`);
  for (const [reason, count] of Object.entries(inspection.countsByReason).sort((a, b) => b[1] - a[1])) {
    out.write(`  ${reason.padEnd(32)} ${count}\n`);
  }
  const shown = inspection.truncated ? `first ${inspection.messages.length} of about ${approximateTotal}` : `${inspection.messages.length}`;
  out.write(
    `\n${shown} message(s) in the DLQ of ${target.label}; all are still there and visible.\n` +
      `Redrive them with: npm run dlq -- redrive ${whereFlag(target)}${Object.keys(inspection.countsByReason).length > 1 ? ' [--filter <reason>]' : ''}\n`,
  );
};

const inspect = async (target: PipelineTarget, limit: number, json: boolean): Promise<number> => {
  const progress = new ProgressLine();
  const approximateTotal = (await queueDepth(target.sqs, target.deadLetterQueueUrl)).visible;
  const inspection = await inspectDeadLetters({
    sqs: target.sqs,
    deadLetterQueueUrl: target.deadLetterQueueUrl,
    limit,
    onProgress: (read) => progress.update(`reading the DLQ of ${target.label}: ${bar(read, Math.min(limit, approximateTotal))}`),
  });
  progress.done();
  if (json) process.stdout.write(`${JSON.stringify({ ...inspection, approximateTotal }, null, 2)}\n`);
  else printInspection(target, inspection, approximateTotal);
  return 0;
};

/** Ctrl-C once: stop cleanly (cancel the move task / finish the batch in hand). Twice: quit at once. */
const interruptible = (): { signal: AbortSignal; dispose: () => void } => {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping: finishing the batch in hand (Ctrl-C again to quit at once) ...\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSigint) };
};

const redrive = async (
  target: PipelineTarget,
  options: { rate?: number; filter?: string; dryRun: boolean; yes: boolean },
): Promise<number> => {
  const total = (await queueDepth(target.sqs, target.deadLetterQueueUrl)).visible;
  if (total === 0) {
    process.stdout.write(`The DLQ of ${target.label} is empty: nothing to redrive.\n`);
    return 0;
  }
  const byMoveTask = !target.local && options.filter === undefined && !options.dryRun;
  const what = `${options.filter ? `the messages with reason ${options.filter} among ` : ''}about ${total} message(s)`;
  const confirmed = await confirmMove(what, {
    production: target.production,
    label: target.label,
    dryRun: options.dryRun,
    yes: options.yes,
    interactive: Boolean(process.stdin.isTTY),
    ask: confirmByTyping,
  });
  if (!confirmed) {
    process.stderr.write('Not confirmed: nothing moved.\n');
    return 1;
  }
  process.stderr.write(
    `${options.dryRun ? 'Dry run: counting' : 'Moving'} ${what} in ${target.label} ` +
      `${byMoveTask ? 'with an SQS message move task' : 'by copy (receive → send → delete, 10 at a time)'}` +
      `${options.rate ? `, at most ${options.rate}/s` : ''}. Ctrl-C stops cleanly.\n`,
  );
  const progress = new ProgressLine();
  const { signal, dispose } = interruptible();
  const startedAt = Date.now();
  try {
    if (byMoveTask) {
      const result = await runMoveTask({
        sqs: target.sqs,
        deadLetterQueueArn: await queueArnOf(target.sqs, target.deadLetterQueueUrl),
        queueArn: await queueArnOf(target.sqs, target.queueUrl),
        ratePerSecond: options.rate,
        signal,
        onProgress: ({ status, moved, total: toMove }) => progress.update(`${status.toLowerCase()} ${bar(moved, toMove || total)}`),
      });
      progress.done();
      process.stdout.write(
        `Move task ${result.status.toLowerCase()}: moved ${result.moved} of about ${result.total || total} in ${duration(Date.now() - startedAt)}.` +
          `${result.failureReason ? ` SQS says: ${result.failureReason}` : ''}\n`,
      );
      return result.status === 'COMPLETED' ? 0 : 1;
    }
    const filter = options.filter?.toLowerCase();
    const summary: RedriveProgress = await redriveByCopy({
      sqs: target.sqs,
      deadLetterQueueUrl: target.deadLetterQueueUrl,
      queueUrl: target.queueUrl,
      filter: filter ? (message) => message.reason.toLowerCase() === filter : undefined,
      dryRun: options.dryRun,
      ratePerSecond: options.rate,
      signal,
      onProgress: (now) =>
        progress.update(
          `${bar(now.moved + now.skipped + now.failed, total)}  ${options.dryRun ? 'would move' : 'moved'} ${now.moved}, skipped ${now.skipped}, failed ${now.failed}`,
        ),
    });
    progress.done();
    const verb = options.dryRun ? 'would move' : 'moved';
    process.stdout.write(
      `${signal.aborted ? 'Stopped' : 'Done'} in ${duration(Date.now() - startedAt)}: ${verb} ${summary.moved}, skipped ${summary.skipped}, failed ${summary.failed}.\n`,
    );
    if (summary.failed > 0) {
      process.stdout.write(`The ${summary.failed} failed message(s) are still in the DLQ. Run the same command again to retry them.\n`);
    }
    if (options.filter && summary.moved === 0 && summary.skipped > 0) {
      process.stdout.write(`No message had reason "${options.filter}". See the reasons with: npm run dlq -- inspect ${whereFlag(target)}\n`);
    }
    if (signal.aborted) process.stdout.write('Nothing was lost: run the same command again to move the rest.\n');
    return summary.failed > 0 ? 1 : 0;
  } finally {
    dispose();
  }
};

const explain = (error: unknown, target: { local: boolean; outputs: string }): string => {
  if (error instanceof OpsError || error instanceof UsageError) return error.message;
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (target.local && /ECONNREFUSED|connect/i.test(text)) {
    return `Cannot reach the local SQS named in ${target.outputs}: is "npm start" running? Start it, then retry. (${text})`;
  }
  return text;
};

const main = async (): Promise<number> => {
  const parsed = parseCommandLine(parse, USAGE);
  const { command, values } = parsed;
  try {
    const target = await resolveTarget(values);
    return command === 'inspect'
      ? await inspect(target, parsed.limit, values.json)
      : await redrive(target, { rate: parsed.rate, filter: values.filter, dryRun: values['dry-run'], yes: values.yes });
  } catch (error) {
    process.stderr.write(`dlq ${command} failed: ${explain(error, values)}\n`);
    return 1;
  }
};

main().then((code) => process.exit(code));
