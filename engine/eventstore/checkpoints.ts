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
 * Moves a checkpoint from `from` to `to` if it is still at `from`, and says whether it did. A reader reads
 * its checkpoint in the same statement as its batch (readLogAfterCheckpoint) and moves it afterwards: a
 * reset or another writer in between leaves this a no-op, and the reader reads again from what is stored.
 * In a transaction the update row-locks the checkpoint, so a reset waits for the batch to commit.
 */
export async function moveCheckpoint(
  db: Queryable,
  subscriptionId: string,
  from: LogPosition,
  to: LogPosition,
): Promise<boolean> {
  const values = [
    subscriptionId,
    from.transactionId,
    from.globalPosition,
    to.transactionId,
    to.globalPosition,
  ];
  // A missing checkpoint is the start of the log: only a read from the start may create it.
  const atStart =
    from.transactionId === logStart.transactionId && from.globalPosition === logStart.globalPosition;
  const result = await db.query(
    atStart
      ? `insert into checkpoints (subscription_id, transaction_id, global_position, updated_at)
         values ($1, $4::xid8, $5::bigint, now())
         on conflict (subscription_id) do update
           set transaction_id = excluded.transaction_id, global_position = excluded.global_position, updated_at = now()
           where checkpoints.transaction_id = $2::xid8 and checkpoints.global_position = $3::bigint`
      : `update checkpoints set transaction_id = $4::xid8, global_position = $5::bigint, updated_at = now()
         where subscription_id = $1 and transaction_id = $2::xid8 and global_position = $3::bigint`,
    values,
  );
  return result.rowCount === 1;
}
