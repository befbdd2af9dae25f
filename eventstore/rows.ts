import type { StoredEvent } from './types';
import { upcast } from './upcasting';

export const eventColumns = `global_position, transaction_id::text as transaction_id, event_id, stream_id,
  stream_version, event_type, schema_version, data, metadata, recorded_at`;

export interface EventRow {
  global_position: string;
  transaction_id: string;
  event_id: string;
  stream_id: string;
  stream_version: number;
  event_type: string;
  schema_version: number;
  data: unknown;
  metadata: StoredEvent['metadata'];
  recorded_at: Date;
}

/** Row → event, lifting old schema versions to the current shape on the way out. */
export function toStoredEvent(row: EventRow): StoredEvent {
  return upcast({
    globalPosition: Number(row.global_position),
    transactionId: row.transaction_id,
    eventId: row.event_id,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    type: row.event_type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at,
  });
}
