// `npm run rebuild -- <projection>`: empties a read model and moves its checkpoint to the start of the
// log, then replays the log into it. Safe beside a running `npm start`: the running projection and this
// script take turns on the checkpoint row, so no batch is applied twice or skipped.
import { openPool } from '../engine/eventstore/database';
import { runningDatabaseUrl } from '../engine/postgres/target';
import { migrate } from '../engine/eventstore/migrate';
import { installEventSchemas } from '../engine/eventstore/upcasting';
import { rebuildProjection } from '../engine/projections/projectionRunner';
import { shopApplication } from '../worker/application';

async function main() {
  const names = shopApplication.projections.map((projection) => projection.name);
  const name = process.argv[2];
  const projection = name === undefined ? undefined : shopApplication.projectionNamed(name);
  if (!projection) {
    throw new Error(
      `${name === undefined ? 'Name a projection' : `No projection named '${name}'`}: ` +
        `npm run rebuild -- <${names.join('|')}>`,
    );
  }
  installEventSchemas(shopApplication.eventSchemas);
  const url = await runningDatabaseUrl();
  await migrate(url, { readModels: shopApplication.readModelMigrations });
  const pool = await openPool(url);
  try {
    const started = performance.now();
    const applied = await rebuildProjection(pool, projection);
    const seconds = (performance.now() - started) / 1000;
    console.log(`${projection.name} read model rebuilt from ${applied} event(s) in ${seconds.toFixed(1)} s`);
  } finally {
    await pool.end();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
