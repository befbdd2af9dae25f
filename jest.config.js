// @ts-check
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  setupFiles: ['<rootDir>/test/harness/quietTemporalLogs.ts'],
  globalSetup: '<rootDir>/test/harness/globalSetup.ts',
  globalTeardown: '<rootDir>/test/harness/globalTeardown.ts',
  // Saga tests wait on a real Temporal server; a minute leaves room on a loaded 2-core machine.
  testTimeout: 60_000,
};
