import type { CommandResult } from '../commands/commandEnvelope';
import type { Queryable } from './types';

export interface ProcessedCommand {
  commandId: string;
  requestHash: string;
  result: Omit<CommandResult, 'duplicate'>;
}

export async function findProcessedCommands(
  db: Queryable,
  commandIds: readonly string[],
): Promise<Map<string, ProcessedCommand>> {
  const result = await db.query<{
    command_id: string;
    request_hash: string;
    result: ProcessedCommand['result'];
  }>('select command_id, request_hash, result from processed_commands where command_id = any($1::text[])', [
    commandIds,
  ]);
  // Results recorded before positions were kept have none: null, as for a command that appended nothing.
  return new Map(
    result.rows.map((row) => [
      row.command_id,
      {
        commandId: row.command_id,
        requestHash: row.request_hash,
        result: { ...row.result, position: row.result.position ?? null },
      },
    ]),
  );
}

/**
 * Records commands as processed; returns the ids this call recorded. An id missing from the answer was
 * recorded by a concurrent transaction (the insert waits for it to commit, then skips the row).
 */
export async function recordProcessedCommands(
  db: Queryable,
  rows: ReadonlyArray<{
    commandId: string;
    streamId: string;
    commandType: string;
    requestHash: string;
    result: ProcessedCommand['result'];
  }>,
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const inserted = await db.query<{ command_id: string }>(
    `insert into processed_commands (command_id, stream_id, command_type, request_hash, result)
     select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[])
     on conflict (command_id) do nothing
     returning command_id`,
    [
      rows.map((row) => row.commandId),
      rows.map((row) => row.streamId),
      rows.map((row) => row.commandType),
      rows.map((row) => row.requestHash),
      rows.map((row) => JSON.stringify(row.result)),
    ],
  );
  return new Set(inserted.rows.map((row) => row.command_id));
}
