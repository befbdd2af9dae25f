import { visibilityHorizon, type Horizon } from './horizon';
import { eventColumns, eventColumnsWithoutMetadata, toStoredEvent, type EventRow } from './rows';
import { positionOf, type LogPosition, type Queryable, type StoredEvent } from './types';

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
  options: LogReadOptions = {},
): Promise<StoredEvent[]> {
  return (await readLogBelowHorizon(db, after, limit, options)).events;
}

export interface LogReadOptions {
  withoutMetadata?: boolean;
  /**
   * Only events of these types are returned; the others are passed over in the same gap-safe order, at
   * most `scanLimit` of them per read, and `readThrough` says how far the read went.
   */
  eventTypes?: readonly string[];
  scanLimit?: number;
}

/** A read of the log and the horizon it stopped at. */
export interface LogRead {
  events: StoredEvent[];
  /**
   * Computed before the events were selected: an empty read with no `heldBy` saw everything committed,
   * so whatever commits later will notify; with `heldBy`, events may wait behind that append.
   */
  horizon: Horizon;
  /**
   * The last place in the log this read covered: the last event's, or with `eventTypes` possibly a later
   * event's that was passed over. A reader's checkpoint moves here. Undefined when nothing was read.
   */
  readThrough?: LogPosition;
}

/** readLogAfter, answering the horizon it read below too (a subscriber decides how long to sleep by it). */
export async function readLogBelowHorizon(
  db: Queryable,
  after: LogPosition,
  limit: number,
  options: LogReadOptions = {},
): Promise<LogRead> {
  const horizon = await visibilityHorizon(db);
  const columns = options.withoutMetadata ? eventColumnsWithoutMetadata : eventColumns;
  if (options.eventTypes) return readTypesBelowHorizon(db, after, limit, horizon, columns, options);
  const result = await db.query<EventRow>(
    `select ${columns} from events
     where (transaction_id, global_position) > ($1::xid8, $2::bigint)
       and transaction_id < $3::xid8
     order by events.transaction_id, events.global_position
     limit $4`,
    [after.transactionId, after.globalPosition, horizon.below, limit],
  );
  const events = result.rows.map(toStoredEvent);
  return { events, horizon, readThrough: events.length > 0 ? positionOf(events.at(-1)!) : undefined };
}

/**
 * The same range as the plain read, scanned by place and type only (the (transaction id, position) index),
 * returning the wanted types' events: a reader that wants a few types wades through a bulk task's
 * thousands of others a scan window at a time instead of a batch at a time. It reads through the scan
 * window's end, or through the last event returned when `limit` of them filled the batch first.
 */
async function readTypesBelowHorizon(
  db: Queryable,
  after: LogPosition,
  limit: number,
  horizon: Horizon,
  columns: string,
  options: LogReadOptions,
): Promise<LogRead> {
  const result = await db.query<
    EventRow & { through_transaction: string | null; through_position: string | null }
  >(
    `with scanned as (
       select transaction_id, global_position, event_type from events
       where (transaction_id, global_position) > ($1::xid8, $2::bigint)
         and transaction_id < $3::xid8
       order by transaction_id, global_position
       limit $4),
     wanted as (
       select transaction_id, global_position from scanned
       where event_type = any($5::text[])
       order by transaction_id, global_position
       limit $6),
     through as (
       select * from wanted where (select count(*) from wanted) = $6
       union all
       select transaction_id, global_position from scanned where (select count(*) from wanted) < $6
       order by transaction_id desc, global_position desc
       limit 1)
     select through.transaction_id::text as through_transaction, through.global_position::text as through_position,
            picked.*
     from through
     left join (select ${columns} from events join wanted using (transaction_id, global_position)) as picked
       on true
     order by picked.transaction_text::xid8, picked.position_text::bigint`,
    [
      after.transactionId,
      after.globalPosition,
      horizon.below,
      options.scanLimit ?? Math.max(limit, 10_000),
      options.eventTypes,
      limit,
    ],
  );
  const first = result.rows[0];
  if (!first) return { events: [], horizon };
  const events = result.rows.filter((row) => row.event_id !== null).map(toStoredEvent);
  return {
    events,
    horizon,
    readThrough: { transactionId: first.through_transaction!, globalPosition: first.through_position! },
  };
}
