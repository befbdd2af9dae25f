import { randomBytes } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { takeAppendLock } from './appendLock';
import { previousOf, textArray, type CommandWrite, type ProcessedRow } from './commandStatements';
import type { GroupReads } from './commandGroupStatements';
import { byStream } from './readStream';
import { eventColumnsWithoutMetadata, toStoredEvent, type EventRow } from './rows';
import { currentSchemaVersion } from './upcasting';

// A batch of commands (a bulk page) in two round trips besides finding its items: one that reads the
// command ids' records and the streams, one that appends, records and commits. Unlike a group of HTTP
// commands (./commandGroupStatements.ts) a batch takes no writer locks and reads outside its transaction,
// so the append lock — which holds every reader's horizon back — is held only for the write. The write is
// built in SQL from the page's rows: each event's metadata is the envelope's (sent once per distinct
// envelope) plus its own ids, and each command's result is put together from what was appended.

/**
 * A value as a JSON literal in dollar quotes: nothing inside needs escaping, so a page's rows go as
 * JSON.stringify wrote them (escaping half a megabyte character by character cost more than the insert).
 */
function quoted(value: unknown): string {
  const json = JSON.stringify(value);
  let tag = 'rows';
  while (json.includes(`$${tag}$`)) tag = `rows${randomBytes(4).toString('hex')}`;
  return `$${tag}$${json}$${tag}$`;
}

/** The command ids' records and the streams' histories (without metadata: deciding folds data only). */
export async function readBatch(
  pool: Pool,
  streamIds: readonly string[],
  commandIds: readonly string[],
): Promise<GroupReads> {
  const results = (await pool.query(
    `select command_id, request_hash, result from processed_commands where command_id = any(${textArray(commandIds)});
     select ${eventColumnsWithoutMetadata} from events where stream_id = any(${textArray(streamIds)})
       order by stream_id, stream_version`,
  )) as unknown as [{ rows: ProcessedRow[] }, { rows: EventRow[] }];
  return {
    previous: new Map(results[0].rows.map((row) => [row.command_id, previousOf(row)] as const)),
    histories: byStream(results[1].rows.map(toStoredEvent)),
  };
}

/**
 * Appends every write's events at its expected version and records every command, in one transaction
 * and one round trip, and commits. Plain inserts: a stream another writer moved, or a command id recorded
 * meanwhile, is a unique violation that aborts it all (the caller rolls back and settles the batch the
 * careful way). Returns each command's recorded position.
 */
export async function writeAndCommitBatch(
  client: PoolClient,
  writes: readonly CommandWrite[],
): Promise<Map<string, string | null>> {
  const { events, metadata } = eventRows(writes);
  const commands = writes.map((write) => ({
    command_id: write.commandId,
    stream_id: write.streamId,
    command_type: write.commandType,
    request_hash: write.requestHash,
    version: write.result.version,
    last_position: write.lastPosition,
  }));
  const results = (await client.query(
    `begin;
     ${takeAppendLock};
     with input as (
       select * from jsonb_to_recordset(${quoted(events)}::jsonb)
         as e(n int, event_id uuid, stream_id text, stream_version int, event_type text, schema_version int,
              data jsonb, command_id text, command_type text, meta int)
     ),
     envelopes as (select ${quoted(metadata)}::jsonb as list),
     appended as (
       insert into events (event_id, stream_id, stream_version, event_type, schema_version, data, metadata)
       select e.event_id, e.stream_id, e.stream_version, e.event_type, e.schema_version, e.data,
              (envelopes.list -> e.meta) || jsonb_build_object('eventId', e.event_id,
                'commandId', e.command_id, 'commandType', e.command_type)
         from input e cross join envelopes
        order by e.n
       returning stream_id, global_position
     ),
     last_positions as (select stream_id, max(global_position)::text as position from appended group by stream_id),
     event_ids as (select command_id, jsonb_agg(event_id order by n) as ids from input group by command_id)
     insert into processed_commands (command_id, stream_id, command_type, request_hash, result)
     select c.command_id, c.stream_id, c.command_type, c.request_hash,
            jsonb_build_object('streamId', c.stream_id, 'version', c.version, 'changed', i.ids is not null,
              'eventIds', coalesce(i.ids, '[]'::jsonb), 'position', coalesce(p.position, c.last_position))
       from jsonb_to_recordset(${quoted(commands)}::jsonb)
            as c(command_id text, stream_id text, command_type text, request_hash text, version int, last_position text)
       left join last_positions p on p.stream_id = c.stream_id
       left join event_ids i on i.command_id = c.command_id
     returning command_id, result->>'position' as position;
     commit`,
  )) as unknown as Array<{ rows: Array<{ command_id: string; position: string | null }> }>;
  return new Map(results[2]!.rows.map((row) => [row.command_id, row.position]));
}

/** The writes' events as rows, and the distinct envelope metadata (an event's less its own ids) they use. */
function eventRows(writes: readonly CommandWrite[]) {
  const metadata: unknown[] = [];
  const metadataIndex = new Map<string, number>();
  const events: unknown[] = [];
  for (const write of writes)
    write.events.forEach((event, index) => {
      const { eventId, commandId, commandType, ...envelope } = event.metadata;
      const key = JSON.stringify(envelope);
      let meta = metadataIndex.get(key);
      if (meta === undefined) {
        meta = metadata.push(envelope) - 1;
        metadataIndex.set(key, meta);
      }
      events.push({
        n: events.length,
        event_id: eventId,
        stream_id: write.streamId,
        stream_version: write.expectedVersion + index + 1,
        event_type: event.type,
        schema_version: currentSchemaVersion(event.type),
        data: event.data,
        command_id: commandId,
        command_type: commandType,
        meta,
      });
    });
  return { events, metadata };
}
