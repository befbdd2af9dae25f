import { escapeLiteral, type PoolClient } from 'pg';
import { takeAppendLock } from './appendLock';
import type { NewEvent } from './append';
import type { CommandResult } from '../commands/commandEnvelope';
import { eventColumns, toStoredEvent, type EventRow } from './rows';
import { currentSchemaVersion } from './upcasting';
import type { StoredEvent } from './types';

// A command in two round trips: one that begins the transaction, takes the locks and reads what the
// decision needs, one that writes and commits. Several statements in one simple-protocol query, so
// values are inlined with the driver's escaping (escapeLiteral) instead of bound as parameters.

export interface CommandReads {
  previous?: { requestHash: string; result: Omit<CommandResult, 'duplicate'> };
  history: StoredEvent[];
}

/** BEGIN, the append lock and the stream's writer lock, the command id's record, and the stream. */
export async function beginAndRead(
  client: PoolClient,
  streamId: string,
  commandId: string,
): Promise<CommandReads> {
  const stream = client.escapeLiteral(streamId);
  const results = (await client.query(
    `begin;
     ${takeAppendLock}, pg_advisory_xact_lock(1, hashtext(${stream}));
     select request_hash, result from processed_commands where command_id = ${client.escapeLiteral(commandId)};
     select ${eventColumns} from events where stream_id = ${stream} order by stream_version`,
  )) as unknown as Array<{ rows: unknown[] }>;
  const processed = results[2]!.rows[0] as ProcessedRow | undefined;
  return {
    previous: processed && previousOf(processed),
    history: (results[3]!.rows as EventRow[]).map(toStoredEvent),
  };
}

export interface ProcessedRow {
  command_id: string;
  request_hash: string;
  result: Omit<CommandResult, 'duplicate'>;
}

/** A processed command's record as a decision reads it (results recorded before positions had none). */
export function previousOf(row: ProcessedRow): NonNullable<CommandReads['previous']> {
  return { requestHash: row.request_hash, result: { ...row.result, position: row.result.position ?? null } };
}

/** Value literals escaped by the driver, for the statements here that inline them. */
export function literals(client: PoolClient) {
  const literal = (value: string | null) => (value === null ? 'null' : client.escapeLiteral(value));
  return { literal, json: (value: unknown) => `${literal(JSON.stringify(value))}::jsonb` };
}

/** Strings as a text[] literal escaped by the driver, for statements that inline their values. */
export const textArray = (values: readonly string[]) =>
  `array[${values.map((value) => escapeLiteral(value)).join(', ')}]::text[]`;

/** A write's events as rows of `insert into events (event_id, stream_id, …) values …`. */
export function eventValues(client: PoolClient, write: CommandWrite): string[] {
  const { literal, json } = literals(client);
  return write.events.map(
    (event, index) =>
      `(${literal(event.metadata.eventId)}::uuid, ${literal(write.streamId)}, ${write.expectedVersion + index + 1}, ` +
      `${literal(event.type)}, ${currentSchemaVersion(event.type)}, ${json(event.data)}, ${json(event.metadata)})`,
  );
}

export interface CommandWrite {
  streamId: string;
  expectedVersion: number;
  events: readonly NewEvent[];
  commandId: string;
  commandType: string;
  requestHash: string;
  /** The result to record; its position is filled in from the appended events. */
  result: Omit<CommandResult, 'duplicate' | 'position'>;
  /** The stream's last position before the command, for one that appends nothing. */
  lastPosition: string | null;
}

/**
 * Appends the events and records the command (with the position of its last event) in one statement, then
 * commits. A unique violation — the stream moved (events) or the command id was recorded meanwhile
 * (processed_commands) — aborts it all; the caller rolls back.
 */
export async function writeAndCommit(client: PoolClient, write: CommandWrite): Promise<string | null> {
  const { literal, json } = literals(client);
  const record = `${literal(write.commandId)}, ${literal(write.streamId)}, ${literal(write.commandType)}, ${literal(write.requestHash)}`;
  let statement: string;
  if (write.events.length === 0) {
    statement = `insert into processed_commands (command_id, stream_id, command_type, request_hash, result)
      values (${record}, ${json({ ...write.result, position: write.lastPosition })})
      returning result->>'position' as position;`;
  } else {
    const rows = eventValues(client, write);
    statement = `with appended as (
        insert into events (event_id, stream_id, stream_version, event_type, schema_version, data, metadata)
        values ${rows.join(', ')}
        returning global_position)
      insert into processed_commands (command_id, stream_id, command_type, request_hash, result)
      select ${record}, ${json(write.result)} || jsonb_build_object('position', max(global_position)::text)
      from appended
      returning result->>'position' as position;`;
  }
  const results = (await client.query(`${statement} commit`)) as unknown as Array<{
    rows: Array<{ position: string | null }>;
  }>;
  return results[0]!.rows[0]!.position;
}
