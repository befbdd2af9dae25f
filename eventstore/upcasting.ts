import { upcasters as domainUpcasters, type UpcasterTable } from '../domain/upcasters';
import type { StoredEvent } from './types';

/** Applies the table's upcasters from the event's schema version up to the newest one defined. */
export function upcast(event: StoredEvent, table: UpcasterTable = domainUpcasters): StoredEvent {
  const steps = table[event.type];
  if (!steps) return event;
  let { data, schemaVersion } = event;
  for (let step = steps[schemaVersion]; step; step = steps[schemaVersion]) {
    data = step(data);
    schemaVersion += 1;
  }
  return schemaVersion === event.schemaVersion ? event : { ...event, data, schemaVersion };
}
