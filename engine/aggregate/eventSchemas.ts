/**
 * Lifts event data written under an older schema to the current one, on read. Keyed by event type, then by
 * the version the function lifts *from* (v → v+1). Events are never rewritten in the log.
 */
export type Upcaster = (data: unknown) => unknown;
export type UpcasterTable = Record<string, Record<number, Upcaster>>;

/**
 * An event type that was renamed (or folded into a more general one): turns a stored event of the old
 * type into the new type's version-1 data. The new type's own upcasters then apply from version 1.
 */
export type Rename = (data: unknown) => { type: string; data: unknown };

/** An application's event schema history: pure data, installed into the event store at start. */
export interface EventSchemas {
  upcasters: UpcasterTable;
  /** The schema version new events of a type are written with; 1 when absent. */
  currentVersions: Record<string, number>;
  /** Old event types read as new ones; applied after the old type's own upcasters. */
  renamed?: Record<string, Rename>;
}
