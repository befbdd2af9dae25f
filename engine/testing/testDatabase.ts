import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { dropDatabase, ensureDatabaseExists, openPool } from '../eventstore/database';
import { migrate, type MigrationSet } from '../eventstore/migrate';
import { testDatabaseServerUrl } from './testDatabaseServer';

export interface TestDatabase {
  url: string;
  pool: Pool;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/**
 * A database of the test's own on the run's server (`testDatabaseServerUrl`: the one the global setup
 * picked, else DATABASE_URL's) or on `serverUrl` (e.g. a private cluster's), so runs never share data.
 */
export function testDatabaseUrl(serverUrl = testDatabaseServerUrl()): string {
  const url = new URL(serverUrl);
  url.pathname = `/procession_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  return url.toString();
}

/** Creates the database and, unless `migrated: false`, applies the event store's and the read models' migrations. */
export async function createTestDatabase(
  options: { migrated?: boolean; serverUrl?: string; readModels?: readonly MigrationSet[] } = {},
): Promise<TestDatabase> {
  const url = testDatabaseUrl(options.serverUrl);
  await ensureDatabaseExists(url);
  if (options.migrated ?? true) await migrate(url, { readModels: options.readModels });
  const pool = await openPool(url);
  return {
    url,
    pool,
    drop: async () => {
      await pool.end();
      await dropDatabase(url);
    },
  };
}
