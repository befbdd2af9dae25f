import fs from 'node:fs';
import type { Pool } from 'pg';
import { inAppendTransaction } from '../eventstore/transaction';

/**
 * An event log written by an earlier version of the code, as SQL: one insert of every event as it was
 * stored (id, stream, version, type, schema version, data, metadata, time), in log order. Positions and
 * transaction ids are left to the database loading it, so the log reads as appended there, after anything
 * already in it. SQL is built by PostgreSQL's own quoting (format %L), never by string concatenation here.
 */
export async function formatLogFixture(pool: Pool, recordedFrom: string): Promise<string> {
  const { rows } = await pool.query<{ line: string }>(
    `select format('(%L::uuid, %L, %s, %L, %s, %L::jsonb, %L::jsonb, %L::timestamptz)',
              event_id, stream_id, stream_version, event_type, schema_version, data, metadata, recorded_at) as line
     from events order by transaction_id, global_position`,
  );
  if (rows.length === 0) throw new Error('The log is empty: nothing to record');
  return [
    `-- An event log recorded from ${rows.length} events of ${recordedFrom}`,
    '-- by scripts/record-log-fixture.ts. Load it with loadLogFixture (engine/testing/logFixture.ts).',
    'insert into events (event_id, stream_id, stream_version, event_type, schema_version, data, metadata, recorded_at)',
    'values',
    rows.map((row) => `  ${row.line}`).join(',\n') + ';',
    '',
  ].join('\n');
}

/**
 * Appends a recorded log to a migrated database in one transaction, under the append lock as any append
 * (so readers' horizons wait for it); returns how many events it held.
 */
export async function loadLogFixture(pool: Pool, file: string): Promise<number> {
  const sql = fs.readFileSync(file, 'utf8');
  return inAppendTransaction(pool, async (client) => {
    const result = await client.query(sql);
    return result.rowCount ?? 0;
  });
}
