import { derivedRandom, seededRandom } from '../../../local-runtime/seeded-random';

const draw = (random: () => number, count: number): number[] => Array.from({ length: count }, random);

describe('seededRandom', () => {
  it('replays the same sequence for the same seed', () => {
    expect(draw(seededRandom(42), 20)).toEqual(draw(seededRandom(42), 20));
  });

  it('gives a different sequence for a different seed', () => {
    expect(draw(seededRandom(42), 20)).not.toEqual(draw(seededRandom(43), 20));
  });

  it('stays in [0, 1) and spreads over it', () => {
    const values = draw(seededRandom(7), 10_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const belowHalf = values.filter((value) => value < 0.5).length;
    expect(belowHalf).toBeGreaterThan(4_700);
    expect(belowHalf).toBeLessThan(5_300);
  });
});

describe('derivedRandom', () => {
  it('gives each named stream its own replayable sequence', () => {
    expect(draw(derivedRandom(1, 'faults'), 10)).toEqual(draw(derivedRandom(1, 'faults'), 10));
    expect(draw(derivedRandom(1, 'faults'), 10)).not.toEqual(draw(derivedRandom(1, 'duplicates'), 10));
  });
});
