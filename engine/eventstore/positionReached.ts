import type { LogPosition, Queryable } from './types';

/**
 * Whether a subscription's checkpoint has passed the event at global position `position`, in read order
 * (transaction id, position): then it has applied that event. False while the checkpoint is behind, and
 * while no event at that position is visible (not committed yet, or never was: a position from a rolled
 * back append); `at` is where the checkpoint is.
 */
export async function checkpointReached(
  db: Queryable,
  subscriptionId: string,
  position: string,
): Promise<{ reached: boolean; at: LogPosition | null; eventFound: boolean }> {
  const { rows } = await db.query<{
    transaction_text: string | null;
    position_text: string | null;
    event_found: boolean;
    reached: boolean | null;
  }>(
    `select checkpoint.transaction_id::text as transaction_text, checkpoint.global_position::text as position_text,
            event.global_position is not null as event_found,
            (checkpoint.transaction_id, checkpoint.global_position) >= (event.transaction_id, event.global_position)
              as reached
     from (select 1) as one
     left join checkpoints checkpoint on checkpoint.subscription_id = $1
     left join events event on event.global_position = $2::bigint`,
    [subscriptionId, position],
  );
  const row = rows[0]!;
  return {
    reached: row.reached === true,
    at:
      row.transaction_text === null
        ? null
        : { transactionId: row.transaction_text, globalPosition: row.position_text! },
    eventFound: row.event_found,
  };
}
