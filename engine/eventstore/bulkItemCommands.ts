import type { Queryable } from './types';

/** One item a bulk run changed: its stream and the version the run's command left it at. */
export interface ChangedBulkItem {
  itemId: string;
  streamId: string;
  /** The stream version right after the run's command. */
  version: number;
  /** How many events the run's command appended. */
  eventCount: number;
}

/** The bytewise range of one run's item command ids: `bulk:<bulkId>:` up to, not including, `bulk:<bulkId>;`. */
function runRange(bulkId: string) {
  const prefix = `bulk:${bulkId}:`;
  return { prefix, end: `bulk:${bulkId};` };
}

// Matches the partial index processed_commands_bulk_items: the same predicate and the same expression.
const changedOfRun = `command_id like 'bulk:%'
  and (command_id collate "C") > $1 and (command_id collate "C") < $2
  and (result ->> 'changed')::boolean`;

/**
 * The items a bulk run changed, by item id in bytewise order: after `after` (exclusive), up to `upTo`
 * (inclusive), at most `limit`. Read from the processed-command records, written in the transaction
 * that appended each item's events, so a finished run's set never changes.
 */
export async function changedBulkItems(
  db: Queryable,
  bulkId: string,
  range: { after: string | null; upTo: string | null; limit: number },
): Promise<ChangedBulkItem[]> {
  const { prefix, end } = runRange(bulkId);
  const after = range.after === null ? prefix : prefix + range.after;
  const { rows } = await db.query<{ command_id: string; stream_id: string; version: number; events: number }>(
    `select command_id, stream_id, (result ->> 'version')::int as version,
            jsonb_array_length(result -> 'eventIds') as events
       from processed_commands
      where ${changedOfRun} and ($3::text is null or (command_id collate "C") <= $3)
      order by (command_id collate "C") limit $4`,
    [after, end, range.upTo === null ? null : prefix + range.upTo, range.limit],
  );
  return rows.map((row) => ({
    itemId: row.command_id.slice(prefix.length),
    streamId: row.stream_id,
    version: row.version,
    eventCount: row.events,
  }));
}

export async function countChangedBulkItems(db: Queryable, bulkId: string): Promise<number> {
  const { prefix, end } = runRange(bulkId);
  const { rows } = await db.query<{ count: string }>(
    `select count(*) from processed_commands where ${changedOfRun}`,
    [prefix, end],
  );
  return Number(rows[0]!.count);
}

const tipsOfRun = `with changed as (
    select command_id, stream_id, (result ->> 'version')::int as version,
           jsonb_array_length(result -> 'eventIds') as events
      from processed_commands where ${changedOfRun}
  ), tips as (
    select changed.*, (select max(stream_version) from events e where e.stream_id = changed.stream_id) as now_at
      from changed
  )`;

type TipRow = { command_id: string; stream_id: string; version: number; events: number };

/**
 * Of a run's changed items, how many streams have moved past the run's command since (something else
 * changed the item) and how many have not, with the first of each: each checked by the stream's own
 * index and counted in the database, so a run of a million items sends back two numbers and two samples.
 */
export async function bulkItemsMovedSince(
  db: Queryable,
  bulkId: string,
  sampleSize: number,
): Promise<{
  unmoved: number;
  moved: number;
  unmovedSample: ChangedBulkItem[];
  movedSample: ChangedBulkItem[];
}> {
  const { prefix, end } = runRange(bulkId);
  const counts = await db.query<{ unmoved: string; moved: string }>(
    `${tipsOfRun} select count(*) filter (where now_at <= version) as unmoved,
                         count(*) filter (where now_at > version) as moved from tips`,
    [prefix, end],
  );
  const sampleWhere = async (condition: string) =>
    (
      await db.query<TipRow>(
        `${tipsOfRun} select * from tips where ${condition} order by (command_id collate "C") limit $3`,
        [prefix, end, sampleSize],
      )
    ).rows.map((row) => ({
      itemId: row.command_id.slice(prefix.length),
      streamId: row.stream_id,
      version: row.version,
      eventCount: row.events,
    }));
  return {
    unmoved: Number(counts.rows[0]!.unmoved),
    moved: Number(counts.rows[0]!.moved),
    unmovedSample: await sampleWhere('now_at <= version'),
    movedSample: await sampleWhere('now_at > version'),
  };
}

/** The records of some of a run's items, by item id (an item the run did not change is absent). */
export async function bulkItemRecords(
  db: Queryable,
  bulkId: string,
  itemIds: readonly string[],
): Promise<Map<string, ChangedBulkItem>> {
  const { prefix } = runRange(bulkId);
  const { rows } = await db.query<{ command_id: string; stream_id: string; version: number; events: number }>(
    `select command_id, stream_id, (result ->> 'version')::int as version,
            jsonb_array_length(result -> 'eventIds') as events
       from processed_commands
      where command_id = any($1::text[]) and (result ->> 'changed')::boolean`,
    [itemIds.map((itemId) => prefix + itemId)],
  );
  return new Map(
    rows.map((row) => {
      const itemId = row.command_id.slice(prefix.length);
      return [itemId, { itemId, streamId: row.stream_id, version: row.version, eventCount: row.events }];
    }),
  );
}
