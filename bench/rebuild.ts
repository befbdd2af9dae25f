import { randomUUID } from 'node:crypto';
import { rebuildProjection } from '../engine/projections/projectionRunner';
import { customersProjection } from '../projections/customers/customersProjection';
import { freshDatabase } from './context';
import { registerCommands, sendBatches } from './seed';
import { seconds } from './stats';

export interface RebuildFigures {
  customers: number;
  perSecond: number;
  baselinePerSecond: number;
}

/**
 * Rebuilding the customers read model from the log, against one INSERT … SELECT building the same table
 * (same columns and indexes) from the same events.
 */
export async function rebuildFigures(customers: number): Promise<RebuildFigures> {
  const db = await freshDatabase('rebuild');
  try {
    await sendBatches(db.pool, registerCommands(`r${randomUUID().slice(0, 6)}`, customers));
    await db.pool.query('create table customers_baseline (like customers including all)');
    let started = performance.now();
    await db.pool.query(
      `insert into customers_baseline (customer_id, name, email, status, version, registered_transaction_id,
         registered_position, updated_at)
       select data->>'customerId', data->>'name', data->>'email', 'active', stream_version, transaction_id,
              global_position, recorded_at
       from events where event_type = 'CustomerRegistered'
       order by transaction_id, global_position
       on conflict (customer_id) do nothing`,
    );
    const baselinePerSecond = customers / seconds(started);
    started = performance.now();
    await rebuildProjection(db.pool, customersProjection);
    const perSecond = customers / seconds(started);
    return { customers, perSecond, baselinePerSecond };
  } finally {
    await db.drop();
  }
}
