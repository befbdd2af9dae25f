import { eventColumns, toStoredEvent, type EventRow } from './rows';
import type { Queryable, StoredEvent } from './types';

export async function readEventById(db: Queryable, eventId: string): Promise<StoredEvent | undefined> {
  const result = await db.query<EventRow>(`select ${eventColumns} from events where event_id = $1`, [
    eventId,
  ]);
  return result.rows[0] && toStoredEvent(result.rows[0]);
}
