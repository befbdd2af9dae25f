/**
 * The append lock: a shared transaction-level advisory lock (two-key form, keys 2 and 0) that every
 * transaction appending events holds from before it has a transaction id until it ends (migrations
 * 1764720000000_append-lock.sql and 1764892800000_append-lock-before-id.sql enforce it). Shared, so appenders never wait for each
 * other; it exists only so readers can see which transactions may still add events (./horizon.ts).
 * Key space: 1 is the per-stream writer locks, 3 the migrations' (./migrate.ts), the one-key form is the
 * subscriptions'.
 */
export const appendLockKeys = { classid: 2, objid: 0 } as const;

/**
 * The first statement of an append transaction: takes the lock, or fails if the transaction already has
 * an id (it wrote something first, so a reader may already have excluded it). A select list, so callers
 * can add more locks to the same round trip.
 */
export const takeAppendLock = 'select procession_begin_append()';
