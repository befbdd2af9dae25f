/**
 * The append lock: a shared transaction-level advisory lock (two-key form, keys 2 and 0) that every
 * transaction appending events holds from before its first write until it ends (see the migration
 * 1764720000000_append-lock.sql, whose trigger enforces it). Shared, so appenders never wait for each
 * other; it exists only so readers can see which transactions may still add events (./horizon.ts).
 * Key space: 1 is the per-stream writer locks, the one-key form is the subscriptions'.
 */
export const appendLockKeys = { classid: 2, objid: 0 } as const;

/** The first statement of an append transaction: takes the lock and marks the transaction as holding it. */
export const takeAppendLock = `select pg_advisory_xact_lock_shared(${appendLockKeys.classid}, ${appendLockKeys.objid}),
  set_config('procession.append_lock', 'held', true)`;
