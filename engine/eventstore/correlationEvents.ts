import { eventColumns, toStoredEvent, type EventRow } from './rows';
import type { Queryable, StoredEvent } from './types';

export interface CorrelationEvents {
  events: StoredEvent[];
  /** More events share the correlation than the limit let through (a large bulk task). */
  truncated: boolean;
}

/**
 * Every event recorded under one correlation id, in global position order, up to `limit` (index
 * events_correlation). A trace reads them as they are committed now: it is a report, not a subscriber,
 * so it needs no gap-safe horizon.
 */
export async function readCorrelation(
  db: Queryable,
  correlationId: string,
  limit: number,
): Promise<CorrelationEvents> {
  const result = await db.query<EventRow>(
    `select ${eventColumns} from events
     where metadata ->> 'correlationId' = $1
     order by global_position
     limit $2`,
    [correlationId, limit + 1],
  );
  const rows = result.rows.slice(0, limit);
  return { events: rows.map(toStoredEvent), truncated: result.rows.length > limit };
}

/** The correlation ids a stream's events were recorded under, oldest first. */
export async function correlationsOfStream(db: Queryable, streamId: string): Promise<string[]> {
  const result = await db.query<{ correlation_id: string }>(
    `select metadata ->> 'correlationId' as correlation_id
     from events where stream_id = $1
     group by 1 order by min(stream_version)`,
    [streamId],
  );
  return result.rows.map((row) => row.correlation_id);
}
