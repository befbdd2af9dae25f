import type { EventSchemas } from '../engine/aggregate/eventSchemas';

/**
 * The shop's event schema history. Every event type is at schema version 1 today, so the tables are
 * empty; when an event's shape changes, add an upcaster from the old version and bump its current version.
 * Installed at start by worker/procession.ts.
 */
export const shopEventSchemas: EventSchemas = { upcasters: {}, currentVersions: {} };
