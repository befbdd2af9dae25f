import type { PoolClient } from 'pg';
import { takeAppendLock } from './appendLock';
import {
  eventValues,
  literals,
  previousOf,
  textArray,
  type CommandReads,
  type CommandWrite,
  type ProcessedRow,
} from './commandStatements';
import { byStream } from './readStream';
import { eventColumns, toStoredEvent, type EventRow } from './rows';
import type { StoredEvent } from './types';

// A group of commands in the same two round trips as one command (./commandStatements.ts): one that begins
// the transaction, takes the append lock and every stream's writer lock and reads what the decisions need,
// one that appends and records them all and commits. Values are inlined with the driver's escaping, as
// there, since several statements go in one simple-protocol query.

export interface GroupReads {
  /** Recorded results by command id. */
  previous: Map<string, NonNullable<CommandReads['previous']>>;
  /** Each stream's events, by stream id (a stream with none is absent). */
  histories: Map<string, StoredEvent[]>;
}

/**
 * BEGIN, the append lock, the streams' writer locks (in one order, by key, so two groups never wait on
 * each other crosswise), the command ids' records and the streams.
 */
export async function beginAndReadGroup(
  client: PoolClient,
  streamIds: readonly string[],
  commandIds: readonly string[],
): Promise<GroupReads> {
  const streams = textArray(streamIds);
  const commands = textArray(commandIds);
  const results = (await client.query(
    `begin;
     ${takeAppendLock};
     select count(pg_advisory_xact_lock(1, key))
       from (select distinct hashtext(stream_id) as key from unnest(${streams}) as stream_id order by key) as keys;
     select command_id, request_hash, result from processed_commands where command_id = any(${commands});
     select ${eventColumns} from events where stream_id = any(${streams}) order by stream_id, stream_version`,
  )) as unknown as Array<{ rows: unknown[] }>;
  const previous = new Map(
    (results[3]!.rows as ProcessedRow[]).map((row) => [row.command_id, previousOf(row)] as const),
  );
  const histories = byStream((results[4]!.rows as EventRow[]).map(toStoredEvent));
  return { previous, histories };
}

/**
 * Appends every write's events and records every command, each with the position of its stream's last
 * event, in one statement, then commits. Returns the recorded positions by command id. A unique violation
 * (a stream moved by a writer that takes no writer lock, or a command id recorded meanwhile) aborts it
 * all; the caller rolls back.
 */
export async function writeAndCommitGroup(
  client: PoolClient,
  writes: readonly CommandWrite[],
): Promise<Map<string, string | null>> {
  const { literal, json } = literals(client);
  const events = writes.flatMap((write) => eventValues(client, write));
  const commands = writes.map(
    (write) =>
      `(${literal(write.commandId)}, ${literal(write.streamId)}, ${literal(write.commandType)}, ` +
      `${literal(write.requestHash)}, ${json(write.result)}, ${literal(write.lastPosition)}::text)`,
  );
  const appended =
    events.length === 0
      ? 'select null::text as stream_id, null::bigint as global_position where false'
      : `insert into events (event_id, stream_id, stream_version, event_type, schema_version, data, metadata)
         values ${events.join(', ')}
         returning stream_id, global_position`;
  const results = (await client.query(
    `with appended as (${appended}),
       last_positions as (select stream_id, max(global_position)::text as position from appended group by stream_id)
     insert into processed_commands (command_id, stream_id, command_type, request_hash, result)
     select c.command_id, c.stream_id, c.command_type, c.request_hash,
            c.result || jsonb_build_object('position', coalesce(p.position, c.last_position))
       from (values ${commands.join(', ')})
            as c(command_id, stream_id, command_type, request_hash, result, last_position)
       left join last_positions p on p.stream_id = c.stream_id
     returning command_id, result->>'position' as position;
     commit`,
  )) as unknown as Array<{ rows: Array<{ command_id: string; position: string | null }> }>;
  return new Map(results[0]!.rows.map((row) => [row.command_id, row.position]));
}
