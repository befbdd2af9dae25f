import type { Pool } from 'pg';
import { inTransaction } from './transaction';

/**
 * Moves a subscription's checkpoint to the start of the log and empties its tables, in one transaction.
 * The checkpoint row is locked first, as every batch does, so a batch in flight finishes before the reset
 * and none can start between the truncate and the reset.
 */
export async function resetCheckpointAndTruncate(
  pool: Pool,
  subscriptionId: string,
  tables: readonly string[],
): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query(
      `insert into checkpoints (subscription_id, transaction_id, global_position)
       values ($1, '0'::xid8, 0)
       on conflict (subscription_id) do update set transaction_id = '0'::xid8, global_position = 0, updated_at = now()`,
      [subscriptionId],
    );
    if (tables.length > 0) {
      const names = await client.query<{ name: string }>(
        'select quote_ident(name) as name from unnest($1::text[]) as name',
        [tables],
      );
      await client.query(`truncate ${names.rows.map((row) => row.name).join(', ')}`);
    }
  });
}
