// `npm start`: the main job. Starts (or reuses, with TEMPORAL_ADDRESS) the Temporal dev server with its
// Web UI, migrates PostgreSQL, and keeps serving until Ctrl-C.
import { databaseUrlFromEnv, ensureDatabaseExists } from '../eventstore/database';
import { migrate } from '../eventstore/migrate';
import { defaultDevServerDbFile, startOrConnectTemporal } from './temporal/target';

async function main() {
  const databaseUrl = databaseUrlFromEnv();
  await ensureDatabaseExists(databaseUrl);
  const applied = await migrate(databaseUrl);
  console.log(`[procession] PostgreSQL ready (${applied.length} migration(s) applied)`);

  const temporal = await startOrConnectTemporal({ ui: true, dbFile: defaultDevServerDbFile });
  console.log(
    `[procession] Temporal ${temporal.started ? 'dev server started' : 'server'} at ${temporal.connectionOptions.address}` +
      (temporal.uiUrl ? `, Web UI ${temporal.uiUrl}` : ''),
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('[procession] shutting down');
    await temporal.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  console.error(`[procession] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
