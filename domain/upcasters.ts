/**
 * Lifts event data written under an older schema to the current one, on read. Keyed by event type, then by
 * the version the function lifts *from* (v → v+1). Events are never rewritten in the log.
 * Every event type is at schema version 1 today, so the table is empty; add an entry (and bump
 * `currentSchemaVersions`) when an event's shape changes.
 */
export type Upcaster = (data: unknown) => unknown;
export type UpcasterTable = Record<string, Record<number, Upcaster>>;

export const upcasters: UpcasterTable = {};

/** The schema version new events of a type are written with. */
export const currentSchemaVersions: Record<string, number> = {};

export function currentSchemaVersion(
  eventType: string,
  table: Record<string, number> = currentSchemaVersions,
): number {
  return table[eventType] ?? 1;
}
