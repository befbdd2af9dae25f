import { horizonSql } from './horizon';

/**
 * One statement that computes the visibility horizon (./horizon.ts), finds where the read starts and
 * reads the log after it below the horizon: one round trip where a reader used to make three (checkpoint,
 * horizon, events). One statement is one snapshot S, which is what the horizon's claim asks for: the
 * horizon is computed from S and the events are read in S, so every append below it that S saw running
 * was proven a non-appender, and every other one below it had ended before S was taken.
 *
 * Parameters: $1 a subscription id whose stored checkpoint is the start (null: none), $2/$3 the start
 * when there is no such checkpoint (xid8, bigint), $4 the batch size; with types, $5 the scan window and
 * $6 the wanted types. Every row carries the horizon and the start; events come in log order.
 */
export function logReadSql(columns: string, typed: boolean): string {
  const head = `
  with horizon as materialized (${horizonSql()}),
  bound as materialized (select coalesce(held_xid, xmax)::xid8 as below from horizon),
  start as materialized (
    select coalesce(stored.transaction_id, $2::xid8) as tx, coalesce(stored.global_position, $3::bigint) as pos
    from (select 1) as one left join checkpoints stored on stored.subscription_id = $1),`;
  // Scalar subqueries become parameters of the index scan on (transaction_id, global_position).
  const range = `(transaction_id, global_position) > ((select tx from start), (select pos from start))
         and transaction_id < (select below from bound)`;
  const frame = `horizon.xmax, horizon.held_xid, horizon.pid, horizon.age_ms,
         start.tx::text as start_transaction, start.pos::text as start_position`;
  if (!typed)
    return `${head}
  picked as (
    select ${columns} from events where ${range}
    order by transaction_id, global_position
    limit $4)
  select ${frame}, picked.*
  from horizon cross join start left join picked on true
  order by picked.transaction_text::xid8, picked.position_text::bigint`;
  // Passed-over events move the read's end too: it ends at the scan window's last event, or at the last
  // wanted event when the batch filled first.
  return `${head}
  scanned as (
    select transaction_id, global_position, event_type from events where ${range}
    order by transaction_id, global_position
    limit $5),
  wanted as (
    select transaction_id, global_position from scanned
    where event_type = any($6::text[])
    order by transaction_id, global_position
    limit $4),
  through as (
    select * from wanted where (select count(*) from wanted) = $4
    union all
    select transaction_id, global_position from scanned where (select count(*) from wanted) < $4
    order by transaction_id desc, global_position desc
    limit 1),
  picked as (select ${columns} from events join wanted using (transaction_id, global_position))
  select ${frame}, through.transaction_id::text as through_transaction,
         through.global_position::text as through_position, picked.*
  from horizon cross join start
  left join through on true
  left join picked on through.transaction_id is not null
  order by picked.transaction_text::xid8, picked.position_text::bigint`;
}
