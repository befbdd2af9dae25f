import { eventColumns, toStoredEvent, type EventRow } from './rows';
import type { LogPosition, Queryable, StoredEvent } from './types';

/**
 * Events from global position `from` on (after the keyset `after`), up to and including `upTo`, in global
 * position order. For re-delivering what a reader may have skipped: `upTo` is a saved checkpoint, and a
 * checkpoint is only ever saved below the visibility horizon, so every transaction at or before it has
 * ended and plain keyset paging cannot miss a late commit here.
 */
export async function readCommittedRange(
  db: Queryable,
  range: { from: string; after?: string; upTo: LogPosition },
  limit: number,
): Promise<StoredEvent[]> {
  const result = await db.query<EventRow>(
    `select ${eventColumns} from events
     where events.global_position >= $1::bigint
       and ($2::bigint is null or events.global_position > $2::bigint)
       and (events.transaction_id, events.global_position) <= ($3::xid8, $4::bigint)
     order by events.global_position
     limit $5`,
    [range.from, range.after ?? null, range.upTo.transactionId, range.upTo.globalPosition, limit],
  );
  return result.rows.map(toStoredEvent);
}
