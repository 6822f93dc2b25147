/** Projects split tests by what they prove; select one with `jest --selectProjects <name>`. */
const shared = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  // Functions import the layer by its Lambda module name; tests resolve it to source.
  moduleNameMapper: { '^@orders-pipeline/shared$': '<rootDir>/shared-layer/src/index.ts' },
  setupFiles: ['<rootDir>/test/support/env.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/support/cdk-outdir.ts'],
};

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    // Property-based runs of the API handler (10,000 bodies by default, FUZZ_RUNS for more): a project of its own so
    // `npm run test:unit` stays quick; `npm test` (CI) still runs it.
    { ...shared, displayName: 'fuzz', testMatch: ['<rootDir>/test/fuzz/**/*.test.ts'] },
    { ...shared, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
    // Starts the local runtime (emulators, function processes) on free ports; see docs/testing.md.
    { ...shared, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    // The local runtime against AWS's documented events, context and environment, through a probe function.
    { ...shared, displayName: 'conformance', testMatch: ['<rootDir>/test/conformance/**/*.test.ts'] },
  ],
};
