import { currentSchemaVersion } from './upcasting';
import { eventColumns, toStoredEvent, type EventRow } from './rows';
import type { EventMetadata, Queryable, StoredEvent } from './types';

export const eventsChannel = 'procession_events';

/** Another writer appended to the stream since it was read. Reload, decide again. */
export class ConcurrencyConflictError extends Error {
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    readonly actualVersion?: number,
  ) {
    super(
      `Stream ${streamId} was expected at version ${expectedVersion}` +
        (actualVersion === undefined ? ' but another writer appended first' : ` but is at ${actualVersion}`),
    );
    this.name = 'ConcurrencyConflictError';
  }
}

export interface NewEvent {
  type: string;
  data: unknown;
  metadata: EventMetadata;
}

const uniqueViolation = '23505';

/**
 * Appends events at expectedVersion+1.. inside the caller's transaction and queues a NOTIFY that is
 * delivered when it commits. A concurrent writer surfaces as ConcurrencyConflictError.
 */
export async function appendToStream(
  client: Queryable,
  streamId: string,
  expectedVersion: number,
  events: readonly NewEvent[],
): Promise<StoredEvent[]> {
  if (events.length === 0) return [];
  const current = await streamVersion(client, streamId);
  if (current !== expectedVersion) throw new ConcurrencyConflictError(streamId, expectedVersion, current);
  try {
    const inserted = await client.query<EventRow>(
      `insert into events (event_id, stream_id, stream_version, event_type, schema_version, data, metadata)
       select * from unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::int[], $6::jsonb[], $7::jsonb[])
       returning ${eventColumns}`,
      [
        events.map((event) => event.metadata.eventId),
        events.map(() => streamId),
        events.map((_, index) => expectedVersion + index + 1),
        events.map((event) => event.type),
        events.map((event) => currentSchemaVersion(event.type)),
        events.map((event) => JSON.stringify(event.data)),
        events.map((event) => JSON.stringify(event.metadata)),
      ],
    );
    await client.query('select pg_notify($1, $2)', [eventsChannel, streamId]);
    return inserted.rows.map(toStoredEvent).sort((a, b) => a.streamVersion - b.streamVersion);
  } catch (error) {
    if ((error as { code?: string }).code === uniqueViolation) {
      throw new ConcurrencyConflictError(streamId, expectedVersion);
    }
    throw error;
  }
}

export async function streamVersion(client: Queryable, streamId: string): Promise<number> {
  const result = await client.query<{ version: number }>(
    'select coalesce(max(stream_version), 0)::int as version from events where stream_id = $1',
    [streamId],
  );
  return result.rows[0]!.version;
}
