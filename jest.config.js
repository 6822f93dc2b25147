/** Projects split tests by what they prove; select one with `jest --selectProjects <name>`. */
const shared = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  // Functions import the layer's entries by their Lambda module names; tests resolve them to source.
  moduleNameMapper: {
    '^@orders-pipeline/shared$': '<rootDir>/shared-layer/src/index.ts',
    '^@orders-pipeline/shared/(.+)$': '<rootDir>/shared-layer/src/entries/$1.ts',
  },
  setupFiles: ['<rootDir>/test/support/env.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/support/cdk-outdir.ts'],
};

// The dev stage is synthesized once per run and shared by the runtimes these projects start (test/support/synth-cache.ts).
const startsRuntimes = {
  ...shared,
  globalSetup: '<rootDir>/test/support/synth-cache-setup.ts',
  globalTeardown: '<rootDir>/test/support/synth-cache-teardown.ts',
};

module.exports = {
  // Jest's default is one worker fewer than the cores: on 2 cores, one file at a time. Most integration files wait
  // (on runtimes starting, batch windows, visibility timeouts) rather than compute, so three at a time keep 2 cores
  // busy; docs/testing.md has the measurement. `--maxWorkers` on the command line still wins.
  maxWorkers: 3,
  testSequencer: '<rootDir>/test/support/slow-first-sequencer.js',
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    // Property-based runs of the API handler (10,000 bodies by default, FUZZ_RUNS for more): a project of its own so
    // `npm run test:unit` stays quick; `npm test` (CI) still runs it.
    { ...shared, displayName: 'fuzz', testMatch: ['<rootDir>/test/fuzz/**/*.test.ts'] },
    { ...shared, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
    // Starts the local runtime (emulators, function processes) on free ports; see docs/testing.md.
    { ...startsRuntimes, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    // The local runtime against AWS's documented events, context and environment, through a probe function.
    { ...startsRuntimes, displayName: 'conformance', testMatch: ['<rootDir>/test/conformance/**/*.test.ts'] },
  ],
};
