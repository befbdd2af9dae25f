import { eventColumns, eventColumnsWithoutMetadata, toStoredEvent, type EventRow } from './rows';
import type { Queryable, StoredEvent } from './types';

export interface ReadStreamOptions {
  /** Stop at this version (inclusive): the stream as it was then. */
  upToVersion?: number;
  /** Stop at events recorded at or before this time. */
  upToTime?: Date;
}

export async function readStream(
  db: Queryable,
  streamId: string,
  options: ReadStreamOptions = {},
): Promise<StoredEvent[]> {
  const result = await db.query<EventRow>(
    `select ${eventColumns} from events
     where stream_id = $1
       and ($2::int is null or stream_version <= $2)
       and ($3::timestamptz is null or date_trunc('milliseconds', recorded_at) <= $3)
     order by stream_version`,
    [streamId, options.upToVersion ?? null, options.upToTime ?? null],
  );
  return result.rows.map(toStoredEvent);
}

/** Several streams in one round trip, keyed by stream id (streams with no events are absent). */
export async function readStreams(
  db: Queryable,
  streamIds: readonly string[],
  options: { withoutMetadata?: boolean } = {},
): Promise<Map<string, StoredEvent[]>> {
  const result = await db.query<EventRow>(
    `select ${options.withoutMetadata ? eventColumnsWithoutMetadata : eventColumns} from events where stream_id = any($1::text[]) order by stream_id, stream_version`,
    [streamIds],
  );
  return byStream(result.rows.map(toStoredEvent));
}

/** Events keyed by their stream, each stream's in the order given. */
export function byStream(events: readonly StoredEvent[]): Map<string, StoredEvent[]> {
  const streams = new Map<string, StoredEvent[]>();
  for (const event of events) {
    const list = streams.get(event.streamId);
    if (list) list.push(event);
    else streams.set(event.streamId, [event]);
  }
  return streams;
}
