import { confirmMove } from '../../../ops/dlq/confirm-move';

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
