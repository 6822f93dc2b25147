import { HELP } from '../../../ops/cli-kit/program';
import { parseBenchArgs } from '../../../load/bench-cli';
import { DEFAULT_CHAOS } from '../../../load/chaos';
import { parseChaosArgs } from '../../../load/chaos-cli';
import { parseLoadArgs } from '../../../load/load-cli';
import { parseTuneArgs } from '../../../load/tune-cli';

describe('bench arguments', () => {
  it('runs the full benchmark by default and a fifth of it with --quick', () => {
    expect(parseBenchArgs([])).toEqual({ scale: 1, json: false });
    expect(parseBenchArgs(['--quick'])).toEqual({ scale: 0.2, json: false });
    expect(parseBenchArgs(['--json', '--quick'])).toEqual({ scale: 0.2, json: true });
  });

  it('asks for the usage with --help or -h instead of running', () => {
    expect(parseBenchArgs(['--help'])).toBe(HELP);
    expect(parseBenchArgs(['-h'])).toBe(HELP);
  });

  it('refuses unknown options, values on switches and stray arguments', () => {
    expect(() => parseBenchArgs(['--bogus'])).toThrow(/Unknown option '--bogus'/);
    expect(() => parseBenchArgs(['--quick=yes'])).toThrow(/does not take an argument/);
    expect(() => parseBenchArgs(['quick'])).toThrow(/Unexpected argument 'quick'/);
  });
});

describe('chaos arguments', () => {
  it('starts from the defaults and reads rates as fractions and counts as whole numbers', () => {
    expect(parseChaosArgs([])).toEqual(DEFAULT_CHAOS);
    expect(parseChaosArgs(['--orders', '200', '--throttle', '0.2', '--latency-ms', '5'])).toEqual({ ...DEFAULT_CHAOS, orders: 200, throttleRate: 0.2, latencyMs: 5 });
  });

  it('asks for the usage with --help or -h instead of running', () => {
    expect(parseChaosArgs(['--help'])).toBe(HELP);
    expect(parseChaosArgs(['-h'])).toBe(HELP);
  });

  it('refuses unknown options, stray arguments and out-of-range values', () => {
    expect(() => parseChaosArgs(['--bogus'])).toThrow(/Unknown option '--bogus'/);
    expect(() => parseChaosArgs(['200'])).toThrow(/Unexpected argument '200'/);
    expect(() => parseChaosArgs(['--orders'])).toThrow(/argument missing/);
    expect(() => parseChaosArgs(['--crash', '1.5'])).toThrow('--crash must be a fraction from 0 to 1, got "1.5"');
    expect(() => parseChaosArgs(['--orders', '0'])).toThrow('--orders and --concurrency must be at least 1');
  });
});

describe('load and tune arguments', () => {
  it('take --help and refuse unknown options', () => {
    expect(parseLoadArgs(['-h'])).toBe(HELP);
    expect(parseTuneArgs(['--help'])).toBe(HELP);
    expect(() => parseLoadArgs(['--order', '5'])).toThrow(/Unknown option '--order'/);
    expect(() => parseTuneArgs(['--window', '1'])).toThrow(/Unknown option '--window'/);
  });
});
