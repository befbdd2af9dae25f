import { appendLockKeys } from './appendLock';
import type { Queryable } from './types';

/** A transaction that holds the horizon back: an append in flight, or one whose role is not yet known. */
export interface HeldBy {
  /** Its backend; null when it ended or could not be found by the time the horizon looked. */
  pid: number | null;
  /** xid8 of the transaction. */
  transactionId: string;
  /** How long its transaction has been open; null when unknown or this role may not see other sessions. */
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
 * Where a gap-safe reader may read up to: H = min(xmax(S), every id in S's running list that is not
 * proven a non-appender), with S the snapshot of the statement computing it. Run it in a statement of its
 * own before the statement reading the events (READ COMMITTED), or in the same REPEATABLE READ
 * transaction; both see at least what S sees.
 *
 * Claim: if a transaction Y < H has appended events, Y had ended when S was taken, so the reading
 * statement sees all Y committed. Why, step by step:
 *
 * 1. Ids are handed out in increasing order and xmax(S) is the newest completed id plus one, so any Y <
 *    xmax(S) had its id before S was taken; S lists it as running (`pg_snapshot_xip`) or it had ended.
 *    A Y that had ended is visible to any later snapshot: done. (Ids at or above xmax(S) are not read.)
 * 2. A Y on S's running list is below H only if it is excluded: one read of pg_locks showed Y's own
 *    `transactionid` lock held by a transaction holding no append lock, and after that read
 *    `pg_xact_status` said Y was still in progress.
 * 3. An excluded Y has no events and never will. Appending needs the append lock, and the lock can only
 *    be taken before the transaction has an id (procession_begin_append and the trigger on events refuse
 *    otherwise; migration 1764892800000). Y had an id and no lock while still running, so it can never
 *    take it. An xact-level advisory lock is released before the end only by aborting the subtransaction
 *    that took it, which also discards every event written under it. The status check covers the end of
 *    a transaction: PostgreSQL removes it from the running set before it releases its locks, so a Y
 *    seen without its append lock because it was releasing it is no longer "in progress".
 * 4. Everything else on the running list holds the horizon, without asking why: an append in flight,
 *    and also an id with no lock row at all. That is the window this rule closes: PostgreSQL publishes a
 *    new id to snapshots (GetNewTransactionId) before it inserts the id's lock (XactLockTableInsert), so
 *    for a few microseconds an appender is running with no `transactionid` row. Taking the candidates
 *    from the snapshot, not from pg_locks, makes the window hold the horizon instead of hiding in it.
 *
 * What the rule leans on in PostgreSQL: the lock status function copies the whole shared lock table
 * under all its partition locks, and neither advisory nor `transactionid` locks are fast-path, so one
 * read of pg_locks is one instant (hence the materialized CTE: each reference to the view would read
 * again); a subtransaction's id is assigned only after its parent's, and events carry the top-level id
 * (`pg_current_xact_id()`), which is what S lists; the append lock's row names the database, so an
 * appender elsewhere on the server is a stranger here. Transactions that never take the lock are not
 * waited for once pg_locks has shown them (unlike pg_snapshot_xmin, which waits for every writer of the
 * whole server). On a hot standby pg_locks shows neither kind of lock, so nothing is excluded and the
 * horizon falls back to the oldest running id: slower, never wrong.
 */
export function horizonSql(source: { snapshot: string; locks: string } = defaultSource): string {
  return `
  with snapshot as materialized (select ${source.snapshot} as taken),
  locks as materialized (
    select locktype, virtualtransaction, transactionid, pid from ${source.locks} as lock_rows
    where granted and (
      (locktype = 'transactionid' and mode = 'ExclusiveLock')
      or (locktype = 'advisory' and objsubid = 2
          and classid = ${appendLockKeys.classid} and objid = ${appendLockKeys.objid}
          and database = (select oid from pg_database where datname = current_database())))
  ),
  holding as (
    select running.xid, own.pid
    from snapshot
    cross join lateral pg_snapshot_xip(snapshot.taken) as running(xid)
    left join locks own on own.locktype = 'transactionid' and own.transactionid = running.xid::xid
    where own.locktype is null
      or exists (select 1 from locks appending
                 where appending.locktype = 'advisory' and appending.virtualtransaction = own.virtualtransaction)
      or pg_xact_status(running.xid) is distinct from 'in progress'
  ),
  oldest as (select xid, pid from holding order by xid limit 1)
  select pg_snapshot_xmax(snapshot.taken)::text as xmax, oldest.xid::text as held_xid,
         coalesce(oldest.pid, activity.pid) as pid,
         (extract(epoch from clock_timestamp() - activity.xact_start) * 1000)::float8 as age_ms
  from snapshot
  left join oldest on true
  left join lateral (
    select pid, xact_start from pg_stat_activity
    where pid = oldest.pid or (oldest.pid is null and backend_xid = oldest.xid::xid)
    limit 1
  ) activity on oldest.xid is not null`;
}

const defaultSource = { snapshot: 'pg_current_snapshot()', locks: 'pg_locks' };
const horizonQuery = horizonSql();

interface HorizonRow {
  xmax: string;
  held_xid: string | null;
  pid: number | null;
  age_ms: number | null;
}

/** The horizon from a row of horizonSql(); a running id below xmax is, by construction, the smaller. */
export function toHorizon(row: HorizonRow): Horizon {
  if (row.held_xid === null) return { below: row.xmax };
  return {
    below: row.held_xid,
    heldBy: {
      pid: row.pid,
      transactionId: row.held_xid,
      ageMs: row.age_ms === null ? null : Math.round(row.age_ms),
    },
  };
}

export async function visibilityHorizon(db: Queryable): Promise<Horizon> {
  const result = await db.query<HorizonRow>(horizonQuery);
  return toHorizon(result.rows[0]!);
}
