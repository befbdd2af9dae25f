import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import {
  databaseUrlFromEnv,
  dropDatabase,
  ensureDatabaseExists,
  openPool,
} from '../../engine/eventstore/database';
import { migrate } from '../../engine/eventstore/migrate';

export interface TestDatabase {
  url: string;
  pool: Pool;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/**
 * A database of this test file's own on the server DATABASE_URL names (or `serverUrl`, e.g. a private
 * cluster's), so runs never share data.
 */
export function testDatabaseUrl(serverUrl = databaseUrlFromEnv()): string {
  const url = new URL(serverUrl);
  url.pathname = `/procession_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  return url.toString();
}

export async function createTestDatabase(
  options: { migrated?: boolean; serverUrl?: string } = {},
): Promise<TestDatabase> {
  const url = testDatabaseUrl(options.serverUrl);
  await ensureDatabaseExists(url);
  if (options.migrated ?? true) await migrate(url);
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
