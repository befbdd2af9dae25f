import type { Queryable } from './types';

export interface SubscriptionLag {
  subscriptionId: string;
  /** bigint as a decimal string. */
  checkpointPosition: string;
  /**
   * Global positions between the checkpoint and the last event in read order: an upper bound on the
   * events still to read (a rolled-back append leaves a gap in the sequence).
   */
  behindPositions: string;
  /** Age of the oldest event the subscription has not read yet; 0 when it has read everything. */
  behindSeconds: number;
}

/**
 * Where every checkpointed reader (the relay, each projection) stands against the log, in one statement:
 * the log's last event in read order, and per checkpoint the first event after it, both by the
 * (transaction_id, global_position) index, so it costs a few index probes however long the log.
 */
export async function subscriptionLags(db: Queryable): Promise<SubscriptionLag[]> {
  const result = await db.query<{
    subscription_id: string;
    checkpoint_text: string;
    behind_text: string;
    behind_seconds: number;
  }>(
    `with head as (
       select global_position from events order by transaction_id desc, global_position desc limit 1)
     select checkpoint.subscription_id, checkpoint.global_position::text as checkpoint_text,
       greatest(coalesce((select global_position from head), 0) - checkpoint.global_position, 0)::text as behind_text,
       coalesce(extract(epoch from clock_timestamp() - (
         select recorded_at from events
         where (events.transaction_id, events.global_position) > (checkpoint.transaction_id, checkpoint.global_position)
         order by events.transaction_id, events.global_position limit 1)), 0)::float8 as behind_seconds
     from checkpoints checkpoint
     order by checkpoint.subscription_id`,
  );
  return result.rows.map((row) => ({
    subscriptionId: row.subscription_id,
    checkpointPosition: row.checkpoint_text,
    behindPositions: row.behind_text,
    behindSeconds: Math.max(0, row.behind_seconds),
  }));
}

export type ParkedStatus = 'parked' | 'replay_requested';

/** Events waiting for someone: parked, or asked to be replayed and not yet delivered. */
export async function waitingParkedEvents(db: Queryable): Promise<Record<ParkedStatus, number>> {
  const result = await db.query<{ status: ParkedStatus; count: number }>(
    `select status, count(*)::int as count from parked_events
     where status in ('parked', 'replay_requested') group by status`,
  );
  const counts: Record<ParkedStatus, number> = { parked: 0, replay_requested: 0 };
  for (const row of result.rows) counts[row.status] = row.count;
  return counts;
}
