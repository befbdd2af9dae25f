import type { StoredEvent } from './types';
import { upcast } from './upcasting';

/**
 * 64-bit columns leave the database as decimal text, under aliases that shadow no column: PostgreSQL binds
 * an unqualified ORDER BY name to an output column first, so `transaction_id::text as transaction_id`
 * would make `order by transaction_id` sort text ('10000' < '9999') and skip events for good.
 */
// Milliseconds since the epoch: a Date built from a number, not parsed from text for every row.
const recordedMs = '(extract(epoch from recorded_at) * 1000)::float8 as recorded_ms';

export const eventColumns = `global_position::text as position_text, transaction_id::text as transaction_text,
  event_id, stream_id, stream_version, event_type, schema_version, data, metadata, ${recordedMs}`;

/** The columns without metadata, for readers that do not look at it (projections): less to send and parse. */
export const eventColumnsWithoutMetadata = eventColumns.replace('metadata,', 'null::jsonb as metadata,');

export interface EventRow {
  position_text: string;
  transaction_text: string;
  event_id: string;
  stream_id: string;
  stream_version: number;
  event_type: string;
  schema_version: number;
  data: unknown;
  metadata: StoredEvent['metadata'];
  recorded_ms: number;
}

/** Row → event, lifting old schema versions to the current shape on the way out. */
export function toStoredEvent(row: EventRow): StoredEvent {
  return upcast({
    globalPosition: row.position_text,
    transactionId: row.transaction_text,
    eventId: row.event_id,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    type: row.event_type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    recordedAt: new Date(row.recorded_ms),
  });
}
