import { visibilityHorizon } from './horizon';
import type { LogPosition, Queryable } from './types';

/**
 * The last event a gap-safe reader can see right now (below the visibility horizon), or undefined on an
 * empty log. A subscriber whose checkpoint has reached it is caught up.
 */
export async function readableLogHead(db: Queryable): Promise<LogPosition | undefined> {
  const horizon = await visibilityHorizon(db);
  const result = await db.query<{ transaction_text: string; position_text: string }>(
    `select transaction_id::text as transaction_text, global_position::text as position_text from events
     where transaction_id < $1::xid8
     order by transaction_id desc, global_position desc limit 1`,
    [horizon.below],
  );
  const row = result.rows[0];
  return row && { transactionId: row.transaction_text, globalPosition: row.position_text };
}
