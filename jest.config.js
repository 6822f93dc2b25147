/** Projects split tests by what they prove; select one with `jest --selectProjects <name>`. */
const shared = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  // Functions import the layer by its Lambda module name; tests resolve it to source.
  moduleNameMapper: { '^@orders-pipeline/shared$': '<rootDir>/shared-layer/src/index.ts' },
  setupFiles: ['<rootDir>/test/support/env.ts'],
};

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...shared, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
    // Starts the local runtime (emulators, function processes) on free ports; see README "Testing".
    { ...shared, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
  ],
};
