import type { Pool } from 'pg';
import { fold } from '../aggregate/decider';
import { isDomainError, type DomainError } from '../aggregate/errors';
import type { AggregateRegistry } from '../aggregate/registry';
import { currentSchemaVersion } from './upcasting';
import { eventsChannel, type NewEvent } from './append';
import { handleCommand, toNewEvent } from './commandHandler';
import {
  IdempotencyKeyReusedError,
  requestHash,
  type CommandEnvelope,
  type CommandResult,
} from './commandEnvelope';
import { findProcessedCommands, recordProcessedCommands } from './processedCommands';
import { readStreams } from './readStream';
import { inTransaction } from './transaction';

export type BatchOutcome =
  | { commandId: string; ok: true; result: CommandResult }
  | { commandId: string; ok: false; error: DomainError | IdempotencyKeyReusedError };

/**
 * Handles many commands, each for a different stream, in a few round trips instead of a few per command.
 * Every command still gets its own decide, its own expected-version append and its own command id:
 * streams are loaded together, decided in memory, and appended in one statement that skips any stream
 * another writer moved meanwhile; those few are then retried one by one through handleCommand.
 */
export async function handleCommandBatch(
  pool: Pool,
  registry: AggregateRegistry,
  envelopes: readonly CommandEnvelope[],
  now: () => Date = () => new Date(),
): Promise<BatchOutcome[]> {
  const outcomes = new Map<string, BatchOutcome>();
  const routed = envelopes.map((envelope) => {
    return {
      envelope,
      aggregate: registry.aggregateFor(envelope.command),
      streamId: registry.streamIdFor(envelope.command),
      hash: requestHash(envelope.command),
    };
  });
  if (new Set(routed.map((item) => item.streamId)).size !== routed.length) {
    throw new Error('handleCommandBatch takes at most one command per stream');
  }

  const previous = await findProcessedCommands(
    pool,
    routed.map((item) => item.envelope.commandId),
  );
  const pending = routed.filter((item) => {
    const seen = previous.get(item.envelope.commandId);
    if (!seen) return true;
    outcomes.set(
      item.envelope.commandId,
      seen.requestHash === item.hash
        ? { commandId: item.envelope.commandId, ok: true, result: { ...seen.result, duplicate: true } }
        : {
            commandId: item.envelope.commandId,
            ok: false,
            error: new IdempotencyKeyReusedError(item.envelope.commandId),
          },
    );
    return false;
  });

  const histories = await readStreams(
    pool,
    pending.map((item) => item.streamId),
  );
  const decided: Array<
    (typeof pending)[number] & {
      expectedVersion: number;
      newEvents: NewEvent[];
      result: Omit<CommandResult, 'duplicate'>;
    }
  > = [];
  for (const item of pending) {
    const history = histories.get(item.streamId) ?? [];
    try {
      const events = item.aggregate.decide(item.envelope.command as never, fold(item.aggregate, history), {
        attempt: item.envelope.attempt ?? 1,
        now: now(),
      }) as Array<{ type: string; data: unknown }>;
      const newEvents = events.map((event) => toNewEvent(event, item.envelope));
      const result: Omit<CommandResult, 'duplicate'> = {
        streamId: item.streamId,
        version: history.length + newEvents.length,
        changed: newEvents.length > 0,
        eventIds: newEvents.map((event) => event.metadata.eventId),
      };
      decided.push({ ...item, expectedVersion: history.length, newEvents, result });
    } catch (error) {
      if (!isDomainError(error) || error.kind === 'transient') throw error;
      outcomes.set(item.envelope.commandId, { commandId: item.envelope.commandId, ok: false, error });
    }
  }

  const retryOneByOne = await inTransaction(pool, async (client) => {
    const recorded = await recordProcessedCommands(
      client,
      decided.map((item) => ({
        commandId: item.envelope.commandId,
        streamId: item.streamId,
        commandType: item.envelope.command.type,
        requestHash: item.hash,
        result: item.result,
      })),
    );
    const toAppend = decided.filter((item) => recorded.has(item.envelope.commandId));
    const rows = toAppend.flatMap((item) =>
      item.newEvents.map((event, index) => ({ item, event, version: item.expectedVersion + index + 1 })),
    );
    const conflicted = new Set<string>();
    if (rows.length > 0) {
      // The expected version is checked per stream: an event lands only if the stream is still at the
      // version this batch read, and a stream that moved conflicts on (stream_id, stream_version).
      const inserted = await client.query<{ stream_id: string }>(
        `insert into events (event_id, stream_id, stream_version, event_type, schema_version, data, metadata)
         select * from unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::int[], $6::jsonb[], $7::jsonb[])
         on conflict (stream_id, stream_version) do nothing
         returning stream_id`,
        [
          rows.map((row) => row.event.metadata.eventId),
          rows.map((row) => row.item.streamId),
          rows.map((row) => row.version),
          rows.map((row) => row.event.type),
          rows.map((row) => currentSchemaVersion(row.event.type)),
          rows.map((row) => JSON.stringify(row.event.data)),
          rows.map((row) => JSON.stringify(row.event.metadata)),
        ],
      );
      const insertedCount = new Map<string, number>();
      for (const row of inserted.rows)
        insertedCount.set(row.stream_id, (insertedCount.get(row.stream_id) ?? 0) + 1);
      for (const item of toAppend) {
        if ((insertedCount.get(item.streamId) ?? 0) !== item.newEvents.length) conflicted.add(item.streamId);
      }
      if (conflicted.size > 0) {
        const ids = toAppend.filter((item) => conflicted.has(item.streamId));
        await client.query('delete from events where event_id = any($1::uuid[])', [
          ids.flatMap((item) => item.newEvents.map((event) => event.metadata.eventId)),
        ]);
        await client.query('delete from processed_commands where command_id = any($1::text[])', [
          ids.map((item) => item.envelope.commandId),
        ]);
      }
      await client.query('select pg_notify($1, $2)', [eventsChannel, 'batch']);
    }
    for (const item of toAppend) {
      if (conflicted.has(item.streamId)) continue;
      outcomes.set(item.envelope.commandId, {
        commandId: item.envelope.commandId,
        ok: true,
        result: { ...item.result, duplicate: false },
      });
    }
    // Recorded by a concurrent delivery, or beaten by another writer: settle these individually.
    return decided.filter((item) => !recorded.has(item.envelope.commandId) || conflicted.has(item.streamId));
  });

  for (const item of retryOneByOne) {
    try {
      const result = await handleCommand(pool, registry, item.envelope);
      outcomes.set(item.envelope.commandId, { commandId: item.envelope.commandId, ok: true, result });
    } catch (error) {
      if (!isDomainError(error) && !(error instanceof IdempotencyKeyReusedError)) throw error;
      if (isDomainError(error) && error.kind === 'transient') throw error;
      outcomes.set(item.envelope.commandId, { commandId: item.envelope.commandId, ok: false, error });
    }
  }
  return envelopes.map((envelope) => outcomes.get(envelope.commandId)!);
}
