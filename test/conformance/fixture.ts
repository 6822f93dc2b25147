import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type ShapeDifference, shapeDifferences, valueAt } from './shape';

/** A fixture written from AWS's documentation: what AWS delivers, and how the local delivery must relate to it. */
export interface ConformanceFixture {
  /** Where in AWS's documentation the fields and formats come from. */
  readonly source: string;
  readonly aws: unknown;
  /** Paths of maps whose keys vary by request (headers, the environment): only the fixture's keys are compared. */
  readonly openMaps: readonly string[];
  /** Paths AWS leaves out for this request: the local delivery must leave them out too. */
  readonly absent: readonly string[];
  /** Paths whose values this request fixes, on AWS and locally alike. */
  readonly exact: Readonly<Record<string, unknown>>;
  /** Every remaining difference, with why it is harmless; docs/local-runtime.md's fidelity table lists them. */
  readonly knownDifferences: Readonly<Record<string, string>>;
}

export const loadFixture = (name: string): ConformanceFixture =>
  JSON.parse(readFileSync(path.join(__dirname, 'fixtures', `${name}.json`), 'utf8')) as ConformanceFixture;

export interface Conformance {
  /** Differences the fixture does not list: each is a new fidelity gap (or a fixture to correct). */
  readonly unexpected: readonly ShapeDifference[];
  /** Listed differences that are gone: the fixture and the fidelity table must drop them. */
  readonly resolved: readonly string[];
  /** Exact values that differ: `path: expected → received`. */
  readonly wrongValues: readonly string[];
  /** Paths that should be absent and are present. */
  readonly unexpectedlyPresent: readonly string[];
}

/** Compares one local delivery with a fixture; a conforming delivery gives four empty lists. */
export const conformance = (fixture: ConformanceFixture, local: unknown): Conformance => {
  const differences = shapeDifferences(fixture.aws, local, fixture.openMaps);
  const known = new Set(Object.keys(fixture.knownDifferences));
  const different = new Set(differences.map((difference) => difference.path));
  return {
    unexpected: differences.filter((difference) => !known.has(difference.path)),
    resolved: [...known].filter((pathName) => !different.has(pathName)),
    wrongValues: Object.entries(fixture.exact).flatMap(([pathName, expected]) => {
      const received = valueAt(local, pathName);
      return JSON.stringify(received) === JSON.stringify(expected)
        ? []
        : [`${pathName}: ${JSON.stringify(expected)} → ${JSON.stringify(received)}`];
    }),
    unexpectedlyPresent: fixture.absent.filter((pathName) => valueAt(local, pathName) !== undefined),
  };
};

export const CONFORMING: Conformance = { unexpected: [], resolved: [], wrongValues: [], unexpectedlyPresent: [] };
