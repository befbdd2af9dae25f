// `npm run migrate`: applies pending migrations to DATABASE_URL (created when missing); with the embedded
// default, to the embedded server a running `npm start` keeps.
import { ensureDatabaseExists } from '../engine/eventstore/database';
import { migrate } from '../engine/eventstore/migrate';
import { runningDatabaseUrl } from '../engine/postgres/target';

async function main() {
  const url = await runningDatabaseUrl();
  await ensureDatabaseExists(url);
  const applied = await migrate(url);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
