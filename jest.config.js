// @ts-check
const swc = ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The fault scenarios run with `npm run test:faults` (jest.faults.config.js), the cluster's with
  // `npm run test:cluster` (jest.cluster.config.js).
  testPathIgnorePatterns: ['/node_modules/', '/test/faults/', '/test/cluster/'],
  transform: {
    '^.+\\.(ts|mjs)$': swc,
    '/node_modules/content-disposition/.+\\.js$': swc,
  },
  // typebox and content-disposition (under @fastify/static, which serves Swagger UI) ship ES modules
  // only; jest's CommonJS loader needs them compiled like the project's own code.
  transformIgnorePatterns: ['/node_modules/(?!typebox/|content-disposition/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  setupFiles: ['<rootDir>/test/harness/quietTemporalLogs.ts'],
  globalSetup: '<rootDir>/test/harness/globalSetup.ts',
  globalTeardown: '<rootDir>/test/harness/globalTeardown.ts',
  // Saga tests wait on a real Temporal server; a minute leaves room on a loaded 2-core machine.
  testTimeout: 60_000,
};
