import { visibilityHorizon, type Horizon } from './horizon';
import { eventColumns, eventColumnsWithoutMetadata, toStoredEvent, type EventRow } from './rows';
import type { LogPosition, Queryable, StoredEvent } from './types';

/**
 * Reads the global log after `after`, in (transaction id, global position) order, never at or past the
 * visibility horizon (./horizon.ts). Identity values are taken before commit, so a transaction can commit
 * after another with a higher position; a reader that only tracked the position would skip it for good.
 * Stopping below the horizon means every append we might read past has already ended, so an event can
 * never appear later behind the checkpoint; only an event append in flight delays delivery, never
 * another writer. Positions are compared and ordered as xid8/bigint, never as text or JS numbers: either
 * goes wrong when ids gain a digit or pass 2^53. Run it in READ COMMITTED (the default): the horizon must
 * be computed in an earlier snapshot than the read.
 */
export async function readLogAfter(
  db: Queryable,
  after: LogPosition,
  limit: number,
  options: { withoutMetadata?: boolean } = {},
): Promise<StoredEvent[]> {
  return (await readLogBelowHorizon(db, after, limit, options)).events;
}

/** A read of the log and the horizon it stopped at. */
export interface LogRead {
  events: StoredEvent[];
  /**
   * Computed before the events were selected: an empty read with no `heldBy` saw everything committed,
   * so whatever commits later will notify; with `heldBy`, events may wait behind that append.
   */
  horizon: Horizon;
}

/** readLogAfter, answering the horizon it read below too (a subscriber decides how long to sleep by it). */
export async function readLogBelowHorizon(
  db: Queryable,
  after: LogPosition,
  limit: number,
  options: { withoutMetadata?: boolean } = {},
): Promise<LogRead> {
  const horizon = await visibilityHorizon(db);
  const result = await db.query<EventRow>(
    `select ${options.withoutMetadata ? eventColumnsWithoutMetadata : eventColumns} from events
     where (transaction_id, global_position) > ($1::xid8, $2::bigint)
       and transaction_id < $3::xid8
     order by events.transaction_id, events.global_position
     limit $4`,
    [after.transactionId, after.globalPosition, horizon.below, limit],
  );
  return { events: result.rows.map(toStoredEvent), horizon };
}
