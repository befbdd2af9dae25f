import { logStart, type LogPosition, type Queryable } from './types';

// Aliases that shadow no column, so nothing can sort or compare the text by mistake (see rows.ts).
const checkpointColumns = 'transaction_id::text as transaction_text, global_position::text as position_text';
type CheckpointRow = { transaction_text: string; position_text: string };
const toPosition = (row: CheckpointRow): LogPosition => ({
  transactionId: row.transaction_text,
  globalPosition: row.position_text,
});

export async function loadCheckpoint(db: Queryable, subscriptionId: string): Promise<LogPosition> {
  const result = await db.query<CheckpointRow>(
    `select ${checkpointColumns} from checkpoints where subscription_id = $1`,
    [subscriptionId],
  );
  const row = result.rows[0];
  return row ? toPosition(row) : logStart;
}

export async function saveCheckpoint(
  db: Queryable,
  subscriptionId: string,
  position: LogPosition,
): Promise<void> {
  await db.query(
    `insert into checkpoints (subscription_id, transaction_id, global_position, updated_at)
     values ($1, $2::xid8, $3, now())
     on conflict (subscription_id) do update
       set transaction_id = excluded.transaction_id, global_position = excluded.global_position, updated_at = now()`,
    [subscriptionId, position.transactionId, position.globalPosition],
  );
}

export async function deleteCheckpoint(db: Queryable, subscriptionId: string): Promise<void> {
  await db.query('delete from checkpoints where subscription_id = $1', [subscriptionId]);
}

/**
 * Loads and row-locks a checkpoint inside a transaction (creating it at the start of the log), so a
 * reset that runs concurrently waits for this batch instead of being overwritten by it.
 */
export async function loadCheckpointForUpdate(db: Queryable, subscriptionId: string): Promise<LogPosition> {
  await db.query(
    `insert into checkpoints (subscription_id, transaction_id, global_position)
     values ($1, '0'::xid8, 0) on conflict (subscription_id) do nothing`,
    [subscriptionId],
  );
  const result = await db.query<CheckpointRow>(
    `select ${checkpointColumns} from checkpoints where subscription_id = $1 for update`,
    [subscriptionId],
  );
  return toPosition(result.rows[0]!);
}
