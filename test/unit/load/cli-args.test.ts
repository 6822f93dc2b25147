import { HelpShown, MAX_SEED, UsageError } from '../../../ops/cli-kit';
import { parseBenchArgs } from '../../../load/bench-cli';
import { DEFAULT_CHAOS } from '../../../load/chaos';
import { parseChaosArgs } from '../../../load/chaos-cli';
import { parseLoadArgs } from '../../../load/load-cli';
import { parseTuneArgs } from '../../../load/tune-cli';

describe('bench arguments', () => {
  it('runs the full benchmark by default and a fifth of it with --quick', () => {
    expect(parseBenchArgs(['--seed', '1'])).toEqual({ scale: 1, json: false, seed: 1 });
    expect(parseBenchArgs(['--quick', '--seed', '1'])).toEqual({ scale: 0.2, json: false, seed: 1 });
    expect(parseBenchArgs(['--json', '--quick', '--seed', '1'])).toEqual({ scale: 0.2, json: true, seed: 1 });
  });

  it('returns the generated help for --help or -h instead of options', () => {
    for (const flag of ['--help', '-h']) {
      const parsed = parseBenchArgs([flag]);
      expect(parsed).toBeInstanceOf(HelpShown);
      expect((parsed as HelpShown).text).toMatch(/^Usage: npm run bench -- \[options\][\s\S]*--quick[\s\S]*--json[\s\S]*--seed <n>/);
    }
  });

  it('refuses unknown options, values on switches and stray arguments with a pointer to --help', () => {
    expect(() => parseBenchArgs(['--bogus'])).toThrow(
      new UsageError(`error: unknown option '--bogus'\n(Run "npm run bench -- --help" for the options.)`),
    );
    expect(() => parseBenchArgs(['--quick=yes'])).toThrow(/unknown option '--quick=yes'/);
    expect(() => parseBenchArgs(['quick'])).toThrow(/too many arguments/);
  });
});

describe('chaos arguments', () => {
  it('starts from the defaults and reads rates as fractions and counts as whole numbers', () => {
    expect(parseChaosArgs(['--seed', '7'])).toEqual({ ...DEFAULT_CHAOS, seed: 7 });
    expect(parseChaosArgs(['--orders', '200', '--throttle', '0.2', '--latency-ms', '5', '--storm', '90', '--seed', '7'])).toEqual({
      ...DEFAULT_CHAOS,
      orders: 200,
      throttleRate: 0.2,
      latencyMs: 5,
      throttleStormSeconds: 90,
      seed: 7,
    });
  });

  it('returns the help for --help or -h instead of options', () => {
    expect(parseChaosArgs(['--help'])).toBeInstanceOf(HelpShown);
    expect(parseChaosArgs(['-h'])).toBeInstanceOf(HelpShown);
  });

  it('refuses unknown options, stray arguments and out-of-range values', () => {
    expect(() => parseChaosArgs(['--bogus'])).toThrow(/unknown option '--bogus'/);
    expect(() => parseChaosArgs(['200'])).toThrow(/too many arguments/);
    expect(() => parseChaosArgs(['--orders'])).toThrow(/option '--orders <n>' argument missing/);
    expect(() => parseChaosArgs(['--crash', '1.5'])).toThrow(
      "option '--crash <rate>' argument '1.5' is invalid. Use a fraction from 0 to 1, e.g. 0.05.",
    );
    expect(() => parseChaosArgs(['--orders', '0'])).toThrow(
      "option '--orders <n>' argument '0' is invalid. Use a whole number of at least 1.",
    );
  });
});

describe('load arguments', () => {
  it('keeps the defaults: 5000 orders over 20 connections, one order per request, no pacing', () => {
    expect(parseLoadArgs(['--seed', '3'])).toEqual({
      stage: undefined,
      yes: false,
      orders: 5000,
      durationSeconds: undefined,
      connections: 20,
      rate: undefined,
      ordersPerRequest: 1,
      seed: 3,
    });
  });

  it('sends for a duration instead of a count, but not both', () => {
    expect(parseLoadArgs(['--duration', '30'])).toMatchObject({ orders: Infinity, durationSeconds: 30 });
    expect(() => parseLoadArgs(['--orders', '10', '--duration', '30'])).toThrow(
      /option '--orders <n>' cannot be used with option '--duration <s>'/,
    );
  });

  it('refuses a stage it does not know, naming the ones it does', () => {
    expect(() => parseLoadArgs(['--stage', 'qa'])).toThrow(/Allowed choices are dev, staging, prod/);
  });

  it('takes --help and refuses unknown options', () => {
    expect(parseLoadArgs(['-h'])).toBeInstanceOf(HelpShown);
    expect(() => parseLoadArgs(['--order', '5'])).toThrow(/unknown option '--order'\n\(Did you mean --orders\?\)/);
  });
});

describe('tune arguments', () => {
  it('keeps the default sweep and reads comma-separated lists', () => {
    expect(parseTuneArgs(['--seed', '5'])).toMatchObject({
      batchSizes: [10, 50, 100],
      windows: [0, 1, 3],
      concurrencies: [2],
      orders: 1000,
      rate: 200,
      p99TargetMs: 5000,
      seed: 5,
    });
    expect(parseTuneArgs(['--batch-sizes', '10, 20', '--windows', '1'])).toMatchObject({ batchSizes: [10, 20], windows: [1] });
  });

  it('refuses a sweep with no valid setting, a bad list and unknown options', () => {
    expect(() => parseTuneArgs(['--batch-sizes', '50', '--windows', '0'])).toThrow(/No valid setting to try/);
    expect(() => parseTuneArgs(['--concurrency', '1'])).toThrow(/List whole numbers of at least 2/);
    expect(parseTuneArgs(['--help'])).toBeInstanceOf(HelpShown);
    expect(() => parseTuneArgs(['--window', '1'])).toThrow(/unknown option '--window'/);
  });
});

describe('tune --memory arguments', () => {
  it('runs one load at a gentle rate and models the default memories, with the bounds it states', () => {
    expect(parseTuneArgs(['--memory', '--seed', '3'])).toMatchObject({
      memory: true,
      memoriesMb: [128, 256, 512, 768, 1024, 1536, 1769, 2048, 3008],
      stage: 'dev',
      orders: 1000,
      rate: 50,
      reads: 50,
      bounds: { requestP99Ms: 500, batchP99Ms: 2000, initMs: 2000 },
      seed: 3,
    });
    expect(parseTuneArgs(['--memory', '--memories', '1024,256,256', '--stage', 'prod', '--rate', '80', '--init-ms', '500'])).toMatchObject({
      memoriesMb: [256, 1024],
      stage: 'prod',
      rate: 80,
      bounds: { requestP99Ms: 200, batchP99Ms: 1000, initMs: 500 },
    });
  });

  it('refuses options of the other sweep, an unknown stage and memories Lambda does not offer', () => {
    expect(() => parseTuneArgs(['--memory', '--batch-sizes', '10'])).toThrow(/--batch-sizes belongs to the batch sweep/);
    expect(() => parseTuneArgs(['--memories', '512'])).toThrow(/--memories belongs to the memory sweep: add --memory/);
    expect(() => parseTuneArgs(['--reads', '5', '--init-ms', '9'])).toThrow(/--init-ms, --reads belong to the memory sweep/);
    expect(() => parseTuneArgs(['--memory', '--stage', 'qa'])).toThrow(/Unknown stage "qa": use one of dev, staging, prod/);
    expect(() => parseTuneArgs(['--memory', '--memories', '64'])).toThrow(/List whole numbers of at least 128/);
    expect(() => parseTuneArgs(['--memory', '--memories', '20000'])).toThrow(/from 128 to 10240 MB: 20000/);
  });
});

describe('--seed', () => {
  it.each([
    ['load', parseLoadArgs],
    ['chaos', parseChaosArgs],
    ['tune', parseTuneArgs],
    ['bench', parseBenchArgs],
  ] as const)('%s draws a fresh seed when none is given and refuses one that is not a whole number in range', (_name, parse) => {
    const { seed } = parse([]) as { seed: number };
    expect(Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED).toBe(true);
    expect(parse(['--seed', '0'])).toMatchObject({ seed: 0 });
    expect(() => parse(['--seed', '-1'])).toThrow(UsageError);
    expect(() => parse(['--seed', '1.5'])).toThrow(/Use a whole number from 0 to 2147483647/);
    expect(() => parse(['--seed', String(MAX_SEED + 1)])).toThrow(UsageError);
  });
});
