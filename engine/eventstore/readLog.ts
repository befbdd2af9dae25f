import { toHorizon, type Horizon } from './horizon';
import { logReadSql } from './logReadStatement';
import { eventColumns, eventColumnsWithoutMetadata, toStoredEvent, type EventRow } from './rows';
import { logStart, positionOf, type LogPosition, type Queryable, type StoredEvent } from './types';

/**
 * Reads the global log after `after`, in (transaction id, global position) order, never at or past the
 * visibility horizon (./horizon.ts). Identity values are taken before commit, so a transaction can commit
 * after another with a higher position; a reader that only tracked the position would skip it for good.
 * Stopping below the horizon means every append we might read past has already ended, so an event can
 * never appear later behind the checkpoint; only an event append in flight delays delivery, never
 * another writer. Positions are compared and ordered as xid8/bigint, never as text or JS numbers: either
 * goes wrong when ids gain a digit or pass 2^53. The horizon and the events come from one statement
 * (./logReadStatement.ts).
 */
export async function readLogAfter(
  db: Queryable,
  after: LogPosition,
  limit: number,
  options: LogReadOptions = {},
): Promise<StoredEvent[]> {
  return (await readLogBelowHorizon(db, after, limit, options)).events;
}

export interface LogReadOptions {
  withoutMetadata?: boolean;
  /**
   * Only events of these types are returned; the others are passed over in the same gap-safe order, at
   * most `scanLimit` of them per read, and `readThrough` says how far the read went.
   */
  eventTypes?: readonly string[];
  scanLimit?: number;
}

/** A read of the log and the horizon it stopped at. */
export interface LogRead {
  /** Where the read started: the position given, or the checkpoint stored when it ran. */
  from: LogPosition;
  events: StoredEvent[];
  /**
   * Computed in the read's own snapshot: an empty read with no `heldBy` saw everything committed, so
   * whatever commits later will notify; with `heldBy`, events may wait behind that append.
   */
  horizon: Horizon;
  /**
   * The last place in the log this read covered: the last event's, or with `eventTypes` possibly a later
   * event's that was passed over. A reader's checkpoint moves here. Undefined when nothing was read.
   */
  readThrough?: LogPosition;
}

/** readLogAfter, answering the horizon it read below too (a subscriber decides how long to sleep by it). */
export function readLogBelowHorizon(
  db: Queryable,
  after: LogPosition,
  limit: number,
  options: LogReadOptions = {},
): Promise<LogRead> {
  return readLog(db, null, after, limit, options);
}

/**
 * The batch after a subscription's stored checkpoint (the start of the log when it has none), the
 * checkpoint itself read in the same statement: `from` is what a conditional move (moveCheckpoint)
 * expects to find.
 */
export function readLogAfterCheckpoint(
  db: Queryable,
  subscriptionId: string,
  limit: number,
  options: LogReadOptions = {},
): Promise<LogRead> {
  return readLog(db, subscriptionId, logStart, limit, options);
}

type ReadRow = EventRow & {
  xmax: string;
  held_xid: string | null;
  pid: number | null;
  age_ms: number | null;
  start_transaction: string;
  start_position: string;
  through_transaction?: string | null;
  through_position?: string | null;
};

const statements = new Map<string, { name: string; text: string }>();

/**
 * Named, so each connection parses and plans it once: planning the horizon's joins took longer than
 * running them (about 1.3 ms against 0.4), on every read of every reader.
 */
function statementFor(withoutMetadata: boolean, typed: boolean): { name: string; text: string } {
  const name = `procession_read_log${withoutMetadata ? '_without_metadata' : ''}${typed ? '_typed' : ''}`;
  let statement = statements.get(name);
  if (statement === undefined) {
    statement = {
      name,
      text: logReadSql(withoutMetadata ? eventColumnsWithoutMetadata : eventColumns, typed),
    };
    statements.set(name, statement);
  }
  return statement;
}

async function readLog(
  db: Queryable,
  subscriptionId: string | null,
  after: LogPosition,
  limit: number,
  options: LogReadOptions,
): Promise<LogRead> {
  const typed = options.eventTypes !== undefined;
  const values: unknown[] = [subscriptionId, after.transactionId, after.globalPosition, limit];
  if (typed) values.push(options.scanLimit ?? Math.max(limit, 10_000), options.eventTypes);
  const { rows } = await db.query<ReadRow>({
    ...statementFor(options.withoutMetadata ?? false, typed),
    values,
  });
  const first = rows[0]!; // the horizon and the start come back even when no event does
  const horizon = toHorizon(first);
  const from = { transactionId: first.start_transaction, globalPosition: first.start_position };
  const events = rows.filter((row) => row.event_id !== null).map(toStoredEvent);
  if (typed) {
    const readThrough =
      first.through_transaction == null
        ? undefined
        : { transactionId: first.through_transaction, globalPosition: first.through_position! };
    return { from, events, horizon, readThrough };
  }
  return { from, events, horizon, readThrough: events.length > 0 ? positionOf(events.at(-1)!) : undefined };
}
