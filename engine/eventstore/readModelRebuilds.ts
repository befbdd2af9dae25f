import type { Queryable } from './types';

export type RebuildPhase = 'building' | 'swapping' | 'done' | 'failed';

/** The latest online rebuild of a read model, as stored (read_model_rebuilds). */
export interface RebuildRecord {
  phase: RebuildPhase;
  startedAt: string;
  swappedAt: string | null;
  finishedAt: string | null;
  eventsApplied: string;
  error: string | null;
}

export async function loadRebuild(db: Queryable, readModel: string): Promise<RebuildRecord | undefined> {
  const { rows } = await db.query<RebuildRecord>(
    `select phase, started_at as "startedAt", swapped_at as "swappedAt", finished_at as "finishedAt",
            events_applied::text as "eventsApplied", error
     from read_model_rebuilds where read_model = $1`,
    [readModel],
  );
  const row = rows[0];
  return (
    row && {
      ...row,
      startedAt: iso(row.startedAt)!,
      swappedAt: iso(row.swappedAt),
      finishedAt: iso(row.finishedAt),
    }
  );
}

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : (value as string | null));

export async function startRebuildRecord(db: Queryable, readModel: string): Promise<void> {
  await db.query(
    `insert into read_model_rebuilds (read_model, phase, started_at) values ($1, 'building', now())
     on conflict (read_model) do update set phase = 'building', started_at = now(), swapped_at = null,
       finished_at = null, events_applied = 0, error = null`,
    [readModel],
  );
}

/** Counted in the batch's own transaction, so the figure survives an interrupted rebuild exactly. */
export async function countRebuildEvents(db: Queryable, readModel: string, events: number): Promise<void> {
  await db.query(
    'update read_model_rebuilds set events_applied = events_applied + $2 where read_model = $1',
    [readModel, events],
  );
}

export async function markRebuild(
  db: Queryable,
  readModel: string,
  phase: RebuildPhase,
  error?: string,
): Promise<void> {
  await db.query(
    `update read_model_rebuilds set phase = $2, error = $3,
       swapped_at = case when $2 = 'done' then coalesce(swapped_at, now()) else swapped_at end,
       finished_at = case when $2 in ('done', 'failed') then now() else null end
     where read_model = $1 and not (phase = 'done' and $2 = 'failed')`,
    [readModel, phase, error ?? null],
  );
}

/** Session-level: held by the one process building a read model's shadow set, released with its connection. */
export const rebuildLockSql = {
  take: 'select pg_try_advisory_lock(4, hashtext($1)) as locked',
  release: 'select pg_advisory_unlock(4, hashtext($1))',
  /** Whether any session holds it: a rebuild left 'building' with no holder was interrupted. */
  held: `select exists (select 1 from pg_locks where locktype = 'advisory' and objsubid = 2 and classid = 4
           and objid = hashtext($1)::oid and database = (select oid from pg_database where datname = current_database()))
         as held`,
};
