/**
 * Lifts event data written under an older schema to the current one, on read. Keyed by event type, then by
 * the version the function lifts *from* (v → v+1). Events are never rewritten in the log.
 */
export type Upcaster = (data: unknown) => unknown;
export type UpcasterTable = Record<string, Record<number, Upcaster>>;

/** An application's event schema history: pure data, installed into the event store at start. */
export interface EventSchemas {
  upcasters: UpcasterTable;
  /** The schema version new events of a type are written with; 1 when absent. */
  currentVersions: Record<string, number>;
}
