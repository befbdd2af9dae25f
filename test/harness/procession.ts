import { randomUUID } from 'node:crypto';
import { dropDatabase } from '../../engine/eventstore/database';
import { startProcession, type ProcessionOptions, type RunningProcession } from '../../worker/procession';
import { testApiKeys } from './apiKeys';
import { testDatabaseUrl } from './database';
import { testWorkflowBundle } from './sagaHarness';
import { testTemporalSettings } from './temporal';

export const testTemporalUiUrl = 'http://127.0.0.1:8233';

/** Procession as `npm start` runs it, on a database and task queue of the test file's own. */
export interface TestProcession {
  procession: RunningProcession;
  /** Stops every role and drops the database. */
  stop(): Promise<void>;
}

/**
 * Every role in this process against the test server's Temporal and a fresh database, the API on a free
 * port with the test keys, polling at 100 ms; `overrides` for what a file needs besides.
 */
export async function startTestProcession(
  label: string,
  overrides: Partial<ProcessionOptions> = {},
): Promise<TestProcession> {
  const databaseUrl = testDatabaseUrl();
  const procession = await startProcession({
    databaseUrl,
    temporal: { ...testTemporalSettings(), uiUrl: testTemporalUiUrl },
    taskQueue: `${label}-${randomUUID()}`,
    port: 0,
    apiKeys: testApiKeys,
    pollIntervalMs: 100,
    workflowBundle: testWorkflowBundle(),
    ...overrides,
    settings: { dispatchDeadline: '1 minute', ...overrides.settings },
  }).catch(async (error: unknown) => {
    await dropDatabase(databaseUrl).catch(() => undefined);
    throw error;
  });
  return {
    procession,
    stop: async () => {
      await procession.stop();
      await dropDatabase(databaseUrl);
    },
  };
}
