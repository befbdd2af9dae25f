import { eventColumns, toStoredEvent, type EventRow } from './rows';
import type { LogPosition, Queryable, StoredEvent } from './types';

/**
 * Reads the global log after `after`, in (transaction id, global position) order, never past the oldest
 * transaction still running. Identity values are taken before commit, so a transaction can commit
 * after another with a higher position; a reader that only tracked the position would skip it for good.
 * Stopping below pg_snapshot_xmin means every transaction we might read past has already ended, so an
 * event can never appear later behind the checkpoint. The price: a long-open transaction anywhere in
 * the cluster delays (never loses) delivery. Positions are compared and ordered as xid8/bigint, never as
 * text or JS numbers: either goes wrong when ids gain a digit or pass 2^53.
 */
export async function readLogAfter(db: Queryable, after: LogPosition, limit: number): Promise<StoredEvent[]> {
  const result = await db.query<EventRow>(
    `select ${eventColumns} from events
     where (transaction_id, global_position) > ($1::xid8, $2::bigint)
       and transaction_id < pg_snapshot_xmin(pg_current_snapshot())
     order by events.transaction_id, events.global_position
     limit $3`,
    [after.transactionId, after.globalPosition, limit],
  );
  return result.rows.map(toStoredEvent);
}
