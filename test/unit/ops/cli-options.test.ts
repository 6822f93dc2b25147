import { UsageError, wholeNumberOption } from '../../../ops/cli-kit/program';

describe('wholeNumberOption', () => {
  it('is undefined when the flag is absent and the number when it is a whole one within bounds', () => {
    expect(wholeNumberOption('rate', undefined)).toBeUndefined();
    expect(wholeNumberOption('rate', '50')).toBe(50);
    expect(wholeNumberOption('batch', '25', { max: 25 })).toBe(25);
  });

  it('names the flag, the bounds and the value it refused', () => {
    expect(() => wholeNumberOption('limit', '0')).toThrow(new UsageError('--limit must be a whole number of at least 1 (got "0").'));
    expect(() => wholeNumberOption('limit', '2.5')).toThrow('--limit must be a whole number of at least 1 (got "2.5").');
    expect(() => wholeNumberOption('limit', 'ten')).toThrow(UsageError);
    expect(() => wholeNumberOption('batch', '26', { max: 25 })).toThrow('--batch must be a whole number from 1 to 25 (got "26").');
  });
});
