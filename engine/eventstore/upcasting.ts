import type { EventSchemas, UpcasterTable } from '../aggregate/eventSchemas';
import type { StoredEvent } from './types';

export type { EventSchemas, Rename, Upcaster, UpcasterTable } from '../aggregate/eventSchemas';

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

/**
 * Lifts a stored event to today's shape: its type's upcasters from its schema version up to the newest
 * one defined, then, for a renamed type, the rename and the new type's upcasters from version 1. A lifted
 * event says how it was stored (`storedAs`); the log itself is never rewritten.
 */
export function upcast(
  event: StoredEvent,
  table: UpcasterTable = installed.upcasters,
  renamed: EventSchemas['renamed'] = installed.renamed,
): StoredEvent {
  let { type, data, schemaVersion } = event;
  const lift = () => {
    const steps = Object.hasOwn(table, type) ? table[type] : undefined;
    for (let step = steps?.[schemaVersion]; step; step = steps?.[schemaVersion]) {
      data = step(data);
      schemaVersion += 1;
    }
  };
  lift();
  const rename = renamed && Object.hasOwn(renamed, type) ? renamed[type] : undefined;
  if (rename) {
    ({ type, data } = rename(data));
    schemaVersion = 1;
    lift();
  }
  return type === event.type && schemaVersion === event.schemaVersion
    ? event
    : {
        ...event,
        type,
        data,
        schemaVersion,
        storedAs: { type: event.type, schemaVersion: event.schemaVersion },
      };
}
