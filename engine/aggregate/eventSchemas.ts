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

/**
 * Refuses a schema history readers could not follow: a type written at version N needs a step from every
 * version below N, and no step from N or above (it would lift today's events past their own shape).
 */
export function checkEventSchemas(schemas: EventSchemas): void {
  for (const [type, current] of Object.entries(schemas.currentVersions)) {
    const steps = Object.hasOwn(schemas.upcasters, type) ? schemas.upcasters[type]! : {};
    for (let version = 1; version < current; version += 1)
      if (typeof steps[version] !== 'function')
        throw new Error(
          `${type} is written at schema version ${current}, but no upcaster lifts version ${version}`,
        );
  }
  for (const [type, steps] of Object.entries(schemas.upcasters)) {
    const current = schemas.currentVersions[type] ?? 1;
    for (const version of Object.keys(steps).map(Number))
      if (version >= current)
        throw new Error(
          `an upcaster lifts ${type} from version ${version}, past the version it is written at (${current})`,
        );
  }
}
