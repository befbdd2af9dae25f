import type { EventSchemas, UpcasterTable } from '../aggregate/eventSchemas';
import type { StoredEvent } from './types';

export type { EventSchemas, Upcaster, UpcasterTable } from '../aggregate/eventSchemas';

// The application's table, installed once at start (installEventSchemas). Every read and append goes
// through it, so threading it through each call would touch every reader for a table most apps leave empty.
let installed: EventSchemas = { upcasters: {}, currentVersions: {} };

export function installEventSchemas(schemas: EventSchemas): void {
  installed = schemas;
}

export function currentSchemaVersion(
  eventType: string,
  table: Record<string, number> = installed.currentVersions,
): number {
  return table[eventType] ?? 1;
}

/** Applies the table's upcasters from the event's schema version up to the newest one defined. */
export function upcast(event: StoredEvent, table: UpcasterTable = installed.upcasters): StoredEvent {
  const steps = table[event.type];
  if (!steps) return event;
  let { data, schemaVersion } = event;
  for (let step = steps[schemaVersion]; step; step = steps[schemaVersion]) {
    data = step(data);
    schemaVersion += 1;
  }
  return schemaVersion === event.schemaVersion ? event : { ...event, data, schemaVersion };
}
