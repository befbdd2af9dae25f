import type { NewEvent } from './append';
import { currentSchemaVersion } from './upcasting';
import type { Queryable } from './types';

/** One stream's events as a batch appends them: they land only if the stream is still at expectedVersion. */
export interface BatchAppendItem {
  streamId: string;
  expectedVersion: number;
  events: readonly NewEvent[];
}

/**
 * Appends every item's events in one statement. The expected version is checked per stream: an event
 * lands only if the stream is still at the version the batch read, and a stream that moved conflicts on
 * (stream_id, stream_version); such a stream's events are deleted again. Returns the position of each
 * appended stream's last event, and the streams that conflicted.
 */
export async function appendBatch(
  client: Queryable,
  items: readonly BatchAppendItem[],
): Promise<{ positions: Map<string, string>; conflicted: Set<string> }> {
  const rows = items.flatMap((item) =>
    item.events.map((event, index) => ({ item, event, version: item.expectedVersion + index + 1 })),
  );
  const positions = new Map<string, string>();
  const conflicted = new Set<string>();
  if (rows.length === 0) return { positions, conflicted };
  const inserted = await client.query<{ stream_id: string; position: string }>(
    `insert into events (event_id, stream_id, stream_version, event_type, schema_version, data, metadata)
     select * from unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::int[], $6::jsonb[], $7::jsonb[])
     on conflict (stream_id, stream_version) do nothing
     returning stream_id, global_position::text as position`,
    [
      rows.map((row) => row.event.metadata.eventId),
      rows.map((row) => row.item.streamId),
      rows.map((row) => row.version),
      rows.map((row) => row.event.type),
      rows.map((row) => currentSchemaVersion(row.event.type)),
      rows.map((row) => JSON.stringify(row.event.data)),
      rows.map((row) => JSON.stringify(row.event.metadata)),
    ],
  );
  const insertedCount = new Map<string, number>();
  for (const row of inserted.rows) {
    insertedCount.set(row.stream_id, (insertedCount.get(row.stream_id) ?? 0) + 1);
    const last = positions.get(row.stream_id);
    if (last === undefined || BigInt(row.position) > BigInt(last)) positions.set(row.stream_id, row.position);
  }
  for (const item of items) {
    if ((insertedCount.get(item.streamId) ?? 0) !== item.events.length) conflicted.add(item.streamId);
  }
  await retractEvents(
    client,
    items.filter((item) => conflicted.has(item.streamId)).flatMap((item) => item.events),
  );
  return { positions, conflicted };
}

/** Takes events this transaction appended back out of it (they were never visible to anyone else). */
export async function retractEvents(client: Queryable, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  await client.query('delete from events where event_id = any($1::uuid[])', [
    events.map((event) => event.metadata.eventId),
  ]);
}
