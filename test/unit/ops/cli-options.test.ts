import { InvalidArgumentError } from 'commander';
import { HelpShown, UsageError, cliProgram, fraction, parseWith, wholeNumber, wholeNumberList } from '../../../ops/cli-kit';

describe('wholeNumber', () => {
  it('reads a whole number within bounds (at least 1 unless told)', () => {
    expect(wholeNumber()('50')).toBe(50);
    expect(wholeNumber({ max: 25 })('25')).toBe(25);
    expect(wholeNumber({ min: 0 })('0')).toBe(0);
  });

  it.each(['0', '2.5', 'ten', '', ' 5', '1e3', '0x10', '-1'])('refuses "%s" with the bounds', (raw) => {
    expect(() => wholeNumber()(raw)).toThrow(new InvalidArgumentError('Use a whole number of at least 1.'));
  });

  it('names both bounds when there is a maximum', () => {
    expect(() => wholeNumber({ max: 25 })('26')).toThrow('Use a whole number from 1 to 25.');
  });
});

describe('fraction', () => {
  it('reads 0, 1 and decimals between', () => {
    expect(['0', '1', '0.05', '.5', '1.0'].map(fraction)).toEqual([0, 1, 0.05, 0.5, 1]);
  });

  it.each(['1.5', '-0.1', 'half', '', '5%'])('refuses "%s"', (raw) => {
    expect(() => fraction(raw)).toThrow('Use a fraction from 0 to 1, e.g. 0.05.');
  });
});

describe('wholeNumberList', () => {
  it('reads a comma-separated list and refuses one bad item', () => {
    expect(wholeNumberList({ min: 0 })('0,1, 3')).toEqual([0, 1, 3]);
    expect(() => wholeNumberList({ min: 2 })('2,1')).toThrow('List whole numbers of at least 2, e.g. 10,50.');
  });
});

describe('parseWith', () => {
  const program = () => cliProgram('npm run demo --', 'A demo.').option('--limit <n>', 'at most n', wholeNumber(), 100);
  const read = (parsed: ReturnType<typeof program>) => parsed.opts<{ limit: number }>();

  it('returns what read makes of the options', () => {
    expect(parseWith(program(), ['--limit', '5'], read)).toEqual({ limit: 5 });
    expect(parseWith(program(), [], read)).toEqual({ limit: 100 });
  });

  it('names the option, the value and the rule it broke, with a pointer to --help, without exiting', () => {
    expect(() => parseWith(program(), ['--limit', '0'], read)).toThrow(
      new UsageError(
        `error: option '--limit <n>' argument '0' is invalid. Use a whole number of at least 1.\n(Run "npm run demo -- --help" for the options.)`,
      ),
    );
  });

  it('turns a UsageError from read into the same shape', () => {
    expect(() =>
      parseWith(program(), [], () => {
        throw new UsageError('Say where.');
      }),
    ).toThrow(`error: Say where.\n(Run "npm run demo -- --help" for the options.)`);
  });

  it('returns the generated help for --help', () => {
    const parsed = parseWith(program(), ['--help'], read);
    expect(parsed).toBeInstanceOf(HelpShown);
    expect((parsed as HelpShown).text).toContain('--limit <n>  at most n (default: 100)');
  });
});
