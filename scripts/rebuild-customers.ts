// `npm run rebuild:customers`: empties the customers read model and moves its checkpoint to the start
// of the log. A running projection (npm start) then rebuilds it from position 0; without one, this
// script replays the log itself.
import { customersProjection, resetCustomersReadModel } from '../projections/customers/customersProjection';
import { databaseUrlFromEnv, openPool } from '../engine/eventstore/database';
import { shopEventSchemas } from '../domain/upcasters';
import { installEventSchemas } from '../engine/eventstore/upcasting';

async function main() {
  installEventSchemas(shopEventSchemas);
  const pool = await openPool(databaseUrlFromEnv());
  try {
    await resetCustomersReadModel(pool);
    const projection = customersProjection(pool);
    // Safe beside a running projection: each batch locks the checkpoint row, so the two take turns.
    const applied = await projection.catchUp();
    console.log(`customers read model rebuilt from ${applied} event(s)`);
  } finally {
    await pool.end();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
