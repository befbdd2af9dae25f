import path from 'node:path';
import { runner } from 'node-pg-migrate';
import { connectionConfig } from './database';

export const migrationsDir = path.join(__dirname, 'migrations');

/** Applies every pending migration; returns the names applied (none on a second run). */
export async function migrate(
  databaseUrl: string,
  log: (line: string) => void = () => {},
): Promise<string[]> {
  const applied = await runner({
    databaseUrl: connectionConfig(databaseUrl),
    dir: migrationsDir,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    checkOrder: true,
    log,
    logger: { info: log, warn: log, error: log, debug: () => {} },
  });
  return applied.map((migration) => migration.name);
}
