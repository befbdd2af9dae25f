// `npm run migrate`: applies pending migrations to DATABASE_URL (created when missing).
import { databaseUrlFromEnv, ensureDatabaseExists } from '../engine/eventstore/database';
import { migrate } from '../engine/eventstore/migrate';

async function main() {
  const url = databaseUrlFromEnv();
  await ensureDatabaseExists(url);
  const applied = await migrate(url);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
