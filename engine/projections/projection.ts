import type { PoolClient } from 'pg';
import type { Message } from '../aggregate/decider';
import type { StoredEvent } from '../eventstore/types';

/**
 * A stored event of the application's union, narrowed to the types in `Types`; `type` discriminates.
 * Projections read events without their metadata (who caused them), which they do not fold into rows.
 */
export type StoredEventOf<Event extends Message, Types extends string = Event['type']> = Event extends Message
  ? Event['type'] extends Types
    ? Omit<StoredEvent<Event['type'], Event['data']>, 'metadata'>
    : never
  : never;

/**
 * A read model: tables of its own (created by its own migrations), filled from the log by `apply`. The
 * runner (./projectionRunner.ts) calls `apply` inside the transaction that also moves the projection's
 * checkpoint, so rows and checkpoint never disagree, and `apply` must tolerate an event it has already
 * applied (a rebuild, or a batch retried after a dropped connection).
 */
export interface Projection {
  /** A word: names the checkpoint (`projection:<name>`), the migrations table and `npm run rebuild -- <name>`. */
  readonly name: string;
  readonly subscriptionId: string;
  /** Folder of node-pg-migrate SQL files for this read model's tables only. */
  readonly migrationsDir: string;
  /** Emptied, with the checkpoint moved to the start of the log, when the projection is rebuilt. */
  readonly tables: readonly string[];
  readonly eventTypes: readonly string[];
  /** Events per transaction. */
  readonly batchSize: number;
  apply(client: PoolClient, events: StoredEvent[]): Promise<void>;
}

export interface ProjectionDefinition<Event extends Message, Types extends Event['type']> {
  name: string;
  migrationsDir: string;
  tables: readonly string[];
  /** The event types it reads; every other event passes by without a call. */
  handles: readonly Types[];
  /** Applies a batch, in log order; the events are narrowed to `handles`. */
  apply(client: PoolClient, events: StoredEventOf<Event, Types>[]): Promise<void>;
  batchSize?: number;
}

/** `defineProjection` checked against the application's event union, so a handled type cannot be misspelt. */
export function projectionKit<Event extends Message>() {
  return {
    defineProjection<Types extends Event['type']>(
      definition: ProjectionDefinition<Event, Types>,
    ): Projection {
      if (!/^[a-z][a-zA-Z0-9]*$/.test(definition.name))
        throw new Error(`projection name '${definition.name}' must be a word (letters and digits)`);
      return {
        name: definition.name,
        subscriptionId: `projection:${definition.name}`,
        migrationsDir: definition.migrationsDir,
        tables: definition.tables,
        eventTypes: definition.handles,
        batchSize: definition.batchSize ?? 500,
        apply: (client, events) =>
          definition.apply(client, events as unknown as StoredEventOf<Event, Types>[]),
      };
    },
  };
}
