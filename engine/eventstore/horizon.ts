import { appendLockKeys } from './appendLock';
import type { Queryable } from './types';

/** An append in flight that holds the horizon back. */
export interface HeldBy {
  pid: number;
  /** xid8 of the appending transaction. */
  transactionId: string;
  /** How long its transaction has been open; null when this role may not see other sessions' activity. */
  ageMs: number | null;
}

export interface Horizon {
  /**
   * xid8: every transaction below it that appended events has ended, so events with a lower transaction
   * id that are not visible now never will be. Readers read strictly below it.
   */
  below: string;
  heldBy?: HeldBy;
}

/**
 * Where a gap-safe reader may read up to, computed in a statement of its own that must run *before* the
 * statement reading the events (each READ COMMITTED statement takes a new snapshot).
 *
 * Why this is safe. Let t0 be this statement's snapshot and `xmax` its xmax: every id below xmax that is
 * not in the snapshot's running list had ended at t0. pg_locks is read after, at t1. An appender takes the
 * append lock before it has an id (the trigger on events enforces it). The horizon is the smaller of xmax
 * and the oldest appender listed at t1. Take an appender with an id X below the horizon:
 * - X < xmax, so at t0 it had ended, or it was running and therefore already held the lock;
 * - running at t0 and not listed at t1 means it ended before t1 (a listed one would bound the horizon at
 *   or below X), so the reading statement, later still, sees everything it committed.
 * An appender with an id at or above the horizon is simply not read past. Transactions that never take the
 * lock — writers in other databases, writers of other tables — cannot append events, so they are not
 * waited for, unlike pg_snapshot_xmin, which waits for every writer of the whole server.
 */
/**
 * SQL widening a 32-bit xid of an open transaction to its xid8, given a nearby xid8 `near` (as numeric):
 * an open transaction's id is within 2^31 of the snapshot's xmax, above or below it (xmax is the newest
 * *completed* id plus one, so ids still running may be above it), so the widened id is `near` plus the
 * signed 32-bit difference of the low bits.
 */
export const widenXid = (near: string, xid32: string) =>
  `(${near} + ((${xid32} - (${near} % 4294967296) + 4294967296 + 2147483648) % 4294967296) - 2147483648)`;

const horizonQuery = `
  with snapshot as (select pg_snapshot_xmax(pg_current_snapshot())::text::numeric as xmax),
  appenders as (
    select own.pid, ${widenXid('snapshot.xmax', 'own.transactionid::text::numeric')} as xid
    from pg_locks appending
    join pg_locks own on own.virtualtransaction = appending.virtualtransaction
      and own.locktype = 'transactionid' and own.mode = 'ExclusiveLock' and own.granted
    cross join snapshot
    where appending.locktype = 'advisory' and appending.granted and appending.objsubid = 2
      and appending.classid = ${appendLockKeys.classid} and appending.objid = ${appendLockKeys.objid}
      and appending.database = (select oid from pg_database where datname = current_database())
  ),
  oldest as (select pid, xid from appenders order by xid limit 1)
  select snapshot.xmax::text as xmax, least(oldest.xid, snapshot.xmax)::text as below, oldest.xid::text as held_xid,
         oldest.pid,
         (extract(epoch from clock_timestamp() - activity.xact_start) * 1000)::float8 as age_ms
  from snapshot
  left join oldest on true
  left join pg_stat_activity activity on activity.pid = oldest.pid`;

export async function visibilityHorizon(db: Queryable): Promise<Horizon> {
  const result = await db.query<{
    xmax: string;
    below: string;
    held_xid: string | null;
    pid: number | null;
    age_ms: number | null;
  }>(horizonQuery);
  const row = result.rows[0]!;
  if (row.held_xid === null) return { below: row.xmax };
  return {
    below: row.below,
    heldBy: {
      pid: row.pid!,
      transactionId: row.held_xid,
      ageMs: row.age_ms === null ? null : Math.round(row.age_ms),
    },
  };
}
