import type { Pool, PoolClient } from 'pg';
import { takeAppendLock } from './appendLock';

/** Runs `work` in one transaction on one pooled connection; rolls back on any error. */
export async function inTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
  firstStatement?: { text: string; values?: unknown[] },
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    if (firstStatement) await client.query(firstStatement.text, firstStatement.values);
    const result = await work(client);
    await client.query('commit');
    client.release();
    return result;
  } catch (error) {
    // A connection that cannot even roll back is broken: hand it back as such so the pool drops it.
    const broken = await client.query('rollback').then(
      () => undefined,
      (rollbackError: Error) => rollbackError,
    );
    client.release(broken);
    throw error;
  }
}

/**
 * A transaction that may append events: it takes the append lock before anything else, so the readers'
 * horizon waits for it (./horizon.ts). `alsoLock`, when given, is run in the same first statement.
 */
export function inAppendTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
  alsoLock?: { sql: string; values: unknown[] },
): Promise<T> {
  return inTransaction(pool, work, {
    text: alsoLock ? `${takeAppendLock}, ${alsoLock.sql}` : takeAppendLock,
    values: alsoLock?.values,
  });
}
