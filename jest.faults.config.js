// @ts-check
// `npm run test:faults`: real processes killed and restarted (test/faults). Slow, so apart from `npm test`.
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ['**/test/faults/*.fault.test.ts'],
  testPathIgnorePatterns: [],
  // Refuses the embedded PostgreSQL, before anything starts (see the file for why).
  globalSetup: '<rootDir>/test/harness/faultsGlobalSetup.ts',
  // Each scenario runs several processes of its own: one scenario at a time on a 2-core machine.
  maxWorkers: 1,
  testTimeout: 600_000,
};
