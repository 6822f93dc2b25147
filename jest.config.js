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
  ],
};
