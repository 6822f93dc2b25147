import { confirmMove, confirmNonRetryable, nonRetryableWarning } from '../../../ops/dlq/confirm-move';

const base = { production: true, label: 'prod', dryRun: false, yes: false, interactive: true };

describe('confirmMove', () => {
  it('asks in prod and goes on only when the stage name is typed', async () => {
    const ask = jest.fn(async (_question: string, expected: string) => expected === 'prod');
    expect(await confirmMove('about 3 message(s)', { ...base, ask })).toBe(true);
    expect(ask.mock.calls[0][0]).toMatch(/Move about 3 message\(s\) .* in prod\? Type "prod"/);

    expect(await confirmMove('x', { ...base, ask: async () => false })).toBe(false);
  });

  it.each([
    ['--yes', { yes: true }],
    ['a dry run', { dryRun: true }],
    ['a stage that is not production', { production: false, label: 'dev' }],
  ])('does not ask for %s', async (_case, overrides) => {
    const ask = jest.fn(async () => false);
    expect(await confirmMove('x', { ...base, ...overrides, ask })).toBe(true);
    expect(ask).not.toHaveBeenCalled();
  });

  it('refuses in prod without a terminal and without --yes, saying to pass --yes', async () => {
    await expect(confirmMove('x', { ...base, interactive: false, ask: async () => true })).rejects.toThrow(/Re-run with --yes/);
  });
});

describe('confirmNonRetryable', () => {
  const options = { byReason: { InvalidOrderMessageError: 2 }, yes: false, dryRun: false, interactive: true };

  it('asks before moving messages no redrive can fix, and goes on only on "yes"', async () => {
    const ask = jest.fn(async (_question: string, expected: string) => expected === 'yes');
    expect(await confirmNonRetryable({ ...options, ask })).toBe(true);
    expect(await confirmNonRetryable({ ...options, ask: async () => false })).toBe(false);
  });

  it.each([
    ['--yes', { yes: true }],
    ['a dry run', { dryRun: true }],
    ['no such message', { byReason: {} }],
  ])('does not ask for %s', async (_case, overrides) => {
    const ask = jest.fn(async () => false);
    expect(await confirmNonRetryable({ ...options, ...overrides, ask })).toBe(true);
    expect(ask).not.toHaveBeenCalled();
  });

  it('refuses without a terminal and without --yes', async () => {
    await expect(confirmNonRetryable({ ...options, interactive: false, ask: async () => true })).rejects.toThrow(
      'Refusing to move 2 message(s) that no redrive can fix without confirmation: there is no terminal to ask. Re-run with --yes, or leave them out with --filter.',
    );
  });
});

describe('nonRetryableWarning', () => {
  it('counts by reason and says how to leave them out', () => {
    expect(nonRetryableWarning({ InvalidOrderMessageError: 2 }, 'MaxReceiveCountExceeded')).toBe(
      'Warning: 2 of these message(s) failed for a reason no redrive can fix (InvalidOrderMessageError 2): the consumer will dead-letter them again. ' +
        'Fix or delete them instead; redrive only the others with --filter MaxReceiveCountExceeded.',
    );
    expect(nonRetryableWarning({}, 'MaxReceiveCountExceeded')).toBeUndefined();
  });
});
