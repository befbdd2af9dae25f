// `npm run rebuild -- <projection>`: empties a read model and moves its checkpoint to the start of the
// log, then replays the log into it. Safe beside a running `npm start`: the running projection and this
// script take turns on the checkpoint row, so no batch is applied twice or skipped; but reads see the
// tables empty and filling. For a broken or empty read model.
// `npm run rebuild -- <projection> --online`: builds a second set of tables beside the live one, which
// keeps serving, and swaps it in when caught up (blue/green; engine/projections/onlineRebuild.ts).
import { openPool } from '../engine/eventstore/database';
import { runningDatabaseUrl } from '../engine/postgres/target';
import { migrate } from '../engine/eventstore/migrate';
import { installEventSchemas } from '../engine/eventstore/upcasting';
import { rebuildProjection } from '../engine/projections/projectionRunner';
import { rebuildOnline } from '../engine/projections/onlineRebuild';
import { shopApplication } from '../worker/application';

async function main() {
  const names = shopApplication.projections.map((projection) => projection.name);
  const args = process.argv.slice(2);
  const online = args.includes('--online');
  const name = args.find((arg) => !arg.startsWith('--'));
  const projection = name === undefined ? undefined : shopApplication.projectionNamed(name);
  if (!projection) {
    throw new Error(
      `${name === undefined ? 'Name a projection' : `No projection named '${name}'`}: ` +
        `npm run rebuild -- <${names.join('|')}> [--online]`,
    );
  }
  installEventSchemas(shopApplication.eventSchemas);
  const url = await runningDatabaseUrl();
  await migrate(url, { readModels: shopApplication.readModelMigrations });
  const pool = await openPool(url);
  try {
    const started = performance.now();
    const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
    if (online) {
      let shown = 0;
      const result = await rebuildOnline(pool, projection, {
        log: (line) => console.log(line),
        onProgress: ({ position, head }) => {
          if (performance.now() - shown < 1_000) return;
          shown = performance.now();
          console.log(`${projection.name}: new tables at position ${position} of ${head} (${seconds()} s)`);
        },
      });
      console.log(
        `${projection.name} read model rebuilt online from ${result.eventsApplied} event(s)` +
          `${result.resumed ? ' (resumed)' : ''} in ${seconds()} s; swapped on attempt ${result.swapAttempts}`,
      );
    } else {
      const applied = await rebuildProjection(pool, projection);
      console.log(`${projection.name} read model rebuilt from ${applied} event(s) in ${seconds()} s`);
    }
  } finally {
    await pool.end();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
