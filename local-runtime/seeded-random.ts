import { unsafeUniformIntDistribution, xoroshiro128plus } from 'pure-rand';

/** A source of numbers in [0, 1), like Math.random, that replays the same sequence for the same seed. */
export type Random = () => number;

const RESOLUTION = 2 ** 31;

/** Every random choice in the runtime, chaos and load draws from one of these, so a failing run can be replayed with its seed. */
export const seededRandom = (seed: number): Random => {
  const generator = xoroshiro128plus(seed);
  return () => unsafeUniformIntDistribution(0, RESOLUTION - 1, generator) / RESOLUTION;
};

/** A fresh seed for a run that was not given one; print it so the run can be replayed with --seed. */
export const newSeed = (): number => Math.floor(Math.random() * 2 ** 31);

/** Derives an independent stream for one consumer of randomness, so adding a draw in one place does not shift the others. */
export const derivedRandom = (seed: number, stream: string): Random => {
  let mixed = seed | 0;
  for (const char of stream) mixed = Math.imul(mixed ^ char.charCodeAt(0), 0x9e3779b1);
  return seededRandom(mixed);
};
