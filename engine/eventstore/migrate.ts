import path from 'node:path';
import { Client } from 'pg';
import { runner } from 'node-pg-migrate';
import { connectionConfig } from './database';

export const migrationsDir = path.join(__dirname, 'migrations');

/** A folder of migrations with its own history table: the event store's, or one read model's. */
export interface MigrationSet {
  /** A word; the set's history table is `pgmigrations_<name>` (the event store's own is `pgmigrations`). */
  name: string;
  dir: string;
}

export interface MigrateOptions {
  /** Read models' migrations, applied after the event store's, each tracked on its own. */
  readModels?: readonly MigrationSet[];
  log?: (line: string) => void;
}

/**
 * Applies every pending migration: the event store's first, then each read model's. Returns the names
 * applied (none on a second run). Separate history tables let a read model's migrations be numbered
 * and ordered on their own, with no knowledge of the event store's or of each other's.
 */
export async function migrate(databaseUrl: string, options: MigrateOptions = {}): Promise<string[]> {
  // node-pg-migrate refuses to run beside another run ("Another migration is already running"), so
  // processes started together (two APIs, a worker and a relay) would fail at start. They queue here
  // instead; each later one finds nothing left to apply.
  const lock = new Client(connectionConfig(databaseUrl));
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1, $2)', [migrationLockKeys.classid, migrationLockKeys.objid]);
    return await migrateAlone(databaseUrl, options);
  } finally {
    await lock.end(); // a session lock: ending the session releases it
  }
}

/** Session advisory lock (two-key form, keys 3 and 0) one migrating process holds at a time. */
export const migrationLockKeys = { classid: 3, objid: 0 } as const;

async function migrateAlone(databaseUrl: string, options: MigrateOptions): Promise<string[]> {
  const log = options.log ?? (() => {});
  const sets = [{ table: 'pgmigrations', dir: migrationsDir }];
  for (const set of options.readModels ?? []) {
    if (!/^[a-zA-Z][a-zA-Z0-9_]*$/.test(set.name))
      throw new Error(`migration set '${set.name}' must be a word`);
    sets.push({ table: `pgmigrations_${set.name.toLowerCase()}`, dir: set.dir });
  }
  const applied: string[] = [];
  for (const set of sets) {
    const done = await runner({
      databaseUrl: connectionConfig(databaseUrl),
      dir: set.dir,
      direction: 'up',
      migrationsTable: set.table,
      checkOrder: true,
      log,
      logger: { info: log, warn: log, error: log, debug: () => {} },
    });
    applied.push(...done.map((migration) => migration.name));
  }
  return applied;
}
