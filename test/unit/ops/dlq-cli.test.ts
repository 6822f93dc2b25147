import * as path from 'node:path';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { HelpShown, UsageError, onStopSignals } from '../../../ops/cli-kit';
import { formatInspection, parseDlqArgs } from '../../../ops/dlq-cli';
import { type DeadLetterView, MAX_RECEIVES_REASON, bodyPreview } from '../../../ops/dlq/dead-letter-view';
import type { PipelineTarget } from '../../../ops/pipeline-target';

const view = (overrides: Partial<DeadLetterView> = {}): DeadLetterView => ({
  messageId: '0123456789abcdef',
  orderId: 'order-1',
  reason: 'InvalidOrderMessageError',
  errorMessage: 'order.customerId: Required',
  retryable: false,
  sourceMessageId: 'source-1',
  body: '{\n  "version": 1,\n  "order": { "orderId": "order-1" }\n}',
  previousReceives: 0,
  firstSentAt: new Date('2026-11-23T12:00:00.000Z'),
  ageMs: 90_000,
  ...overrides,
});

const target: PipelineTarget = {
  label: 'local',
  local: true,
  production: false,
  queueUrl: 'http://q',
  deadLetterQueueUrl: 'http://dlq',
  sqs: {} as SQSClient,
};

describe('dlq arguments', () => {
  it('reads inspect with its defaults', () => {
    expect(parseDlqArgs(['inspect', '--local'])).toEqual({
      command: 'inspect',
      where: { local: true, stage: undefined, outputs: path.join('.local', 'outputs.json') },
      limit: 100,
      json: false,
      full: false,
    });
  });

  it('reads redrive with every option', () => {
    expect(
      parseDlqArgs([
        'redrive',
        '--stage',
        'prod',
        '--rate',
        '5',
        '--filter',
        'MaxReceiveCountExceeded',
        '--max-moves',
        '40',
        '--dry-run',
        '--yes',
      ]),
    ).toEqual({
      command: 'redrive',
      where: { local: false, stage: 'prod', outputs: path.join('.local', 'outputs.json') },
      rate: 5,
      filter: 'MaxReceiveCountExceeded',
      maxMoves: 40,
      dryRun: true,
      yes: true,
    });
  });

  it('asks to say where, once, pointing to the command help', () => {
    const where = new UsageError(
      'error: Say where, once: --local (the pipeline from npm start) or --stage <name> (a deployed stage).\n(Run "npm run dlq -- redrive --help" for the options.)',
    );
    expect(() => parseDlqArgs(['redrive'])).toThrow(where);
    expect(() => parseDlqArgs(['redrive', '--local', '--stage', 'dev'])).toThrow(where);
  });

  it('refuses an unknown stage by naming the known ones', () => {
    expect(() => parseDlqArgs(['inspect', '--stage', 'qa'])).toThrow(/argument 'qa' is invalid. Allowed choices are dev, staging, prod./);
  });

  it('refuses unknown options and commands, and a bad --max-moves', () => {
    expect(() => parseDlqArgs(['inspect', '--local', '--bogus'])).toThrow(/unknown option '--bogus'/);
    expect(() => parseDlqArgs(['purge', '--local'])).toThrow(/unknown command 'purge'/);
    expect(() => parseDlqArgs(['redrive', '--local', '--max-moves', '0'])).toThrow(/'--max-moves <n>' argument '0' is invalid/);
  });

  it('shows the usage on stderr (a UsageError) when no command is named, and the help on --help', () => {
    expect(() => parseDlqArgs([])).toThrow(/Usage: npm run dlq -- \[options\] \[command\]/);
    expect(parseDlqArgs(['--help'])).toBeInstanceOf(HelpShown);
    expect((parseDlqArgs(['redrive', '--help']) as HelpShown).text).toMatch(/--max-moves <n>/);
  });
});

describe('formatInspection', () => {
  const inspection = (messages: DeadLetterView[]) => ({
    messages,
    countsByReason: Object.fromEntries(
      messages.map((message) => [message.reason, messages.filter((m) => m.reason === message.reason).length]),
    ),
    truncated: false,
  });

  it('shows each message with its source message, why it failed and a one-line body preview', () => {
    const text = formatInspection(target, inspection([view()]), 1, false);
    expect(text).toContain('source  source-1');
    expect(text).toContain('why     order.customerId: Required');
    expect(text).toContain('body    { "version": 1, "order": { "orderId": "order-1" } }');
    expect(text).toContain('InvalidOrderMessageError         1  (no redrive can fix these)');
  });

  it('prints whole bodies with --full', () => {
    const body = `{"note":"${'x'.repeat(300)}"}`;
    expect(formatInspection(target, inspection([view({ body })]), 1, true)).toContain(body);
    expect(formatInspection(target, inspection([view({ body })]), 1, false)).not.toContain(body);
  });

  it('says SQS moved a message the consumer failed on every receive', () => {
    const text = formatInspection(
      target,
      inspection([view({ reason: MAX_RECEIVES_REASON, retryable: true, errorMessage: undefined })]),
      1,
      false,
    );
    expect(text).toContain('why     the consumer failed it on every receive; SQS moved it after maxReceiveCount');
    expect(text).not.toContain('no redrive can fix');
  });
});

describe('bodyPreview', () => {
  it('keeps a short body on one line and cuts a long one at 120 characters', () => {
    expect(bodyPreview('{\n\t"a": 1\r\n}')).toBe('{ "a": 1 }');
    const preview = bodyPreview('y'.repeat(500));
    expect(preview).toHaveLength(120);
    expect(preview.endsWith('…')).toBe(true);
  });

  it('turns control characters into spaces so a body cannot redraw the terminal', () => {
    expect(bodyPreview('a\u001b[2Jb')).toBe('a [2Jb');
  });
});

describe('onStopSignals', () => {
  it('aborts on the first SIGTERM with exit code 143 and exits at once on a second', () => {
    const exit = jest.fn();
    const stop = onStopSignals(() => undefined, exit);
    try {
      process.emit('SIGTERM');
      expect(stop.signal.aborted).toBe(true);
      expect(stop.exitCode()).toBe(143);
      expect(exit).not.toHaveBeenCalled();
      process.emit('SIGINT');
      expect(exit).toHaveBeenCalledWith(130);
    } finally {
      stop.dispose();
    }
  });

  it('says 130 for SIGINT and removes its listeners on dispose', () => {
    const before = process.listenerCount('SIGINT');
    const stop = onStopSignals(() => undefined, jest.fn());
    process.emit('SIGINT');
    expect(stop.exitCode()).toBe(130);
    stop.dispose();
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});
