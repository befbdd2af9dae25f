// @ts-check
// `npm run test:cluster`: Procession on a real Temporal cluster (frontend, two history processes, matching
// and worker as separate processes on PostgreSQL), its parts killed with SIGKILL mid-saga (test/cluster).
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ['**/test/cluster/*.cluster.test.ts'],
  testPathIgnorePatterns: [],
  // The fault suite's: refuses the embedded PostgreSQL (the cluster's schema tool and kills need a server).
  globalSetup: '<rootDir>/test/harness/faultsGlobalSetup.ts',
  // A cluster and several Procession processes per scenario: one scenario at a time on a 2-core machine.
  maxWorkers: 1,
  testTimeout: 600_000,
};
