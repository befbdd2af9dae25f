import type { Pool } from 'pg';
import { fold } from '../aggregate/decider';
import { isDomainError, type DomainError } from '../aggregate/errors';
import type { AggregateRegistry } from '../aggregate/registry';
import { currentSchemaVersion } from '../eventstore/upcasting';
import type { NewEvent } from '../eventstore/append';
import { notifierFor } from '../eventstore/notifier';
import { handleCommand, toNewEvent } from './commandHandler';
import {
  IdempotencyKeyReusedError,
  requestHash,
  type CommandEnvelope,
  type CommandResult,
} from './commandEnvelope';
import {
  commandLabel,
  countAppended,
  countCommand,
  outcomeOfFailure,
  secondsSince,
  timeCommandBatch,
} from '../metrics/commandMetrics';
import { findProcessedCommands, recordProcessedCommands } from '../eventstore/processedCommands';
import type { AnyAggregate } from '../aggregate/aggregate';
import { readStreams } from '../eventstore/readStream';
import { inAppendTransaction } from '../eventstore/transaction';
import type { Queryable } from '../eventstore/types';

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
  const started = process.hrtime.bigint();
  // Commands settled one by one go through handleCommand, which counts them itself.
  const settledAlone = new Set<string>();
  const label = (envelope: CommandEnvelope) => commandLabel(registry, envelope.command.type);
  try {
    const outcomes = await decideAndAppendAll(pool, registry, envelopes, now, settledAlone);
    outcomes.forEach((outcome, index) => {
      if (settledAlone.has(outcome.commandId)) return;
      const kind = outcome.ok
        ? outcome.result.duplicate
          ? 'duplicate'
          : 'accepted'
        : outcomeOfFailure(outcome.error);
      countCommand(label(envelopes[index]!), kind);
    });
    return outcomes;
  } catch (error) {
    for (const envelope of envelopes)
      if (!settledAlone.has(envelope.commandId)) countCommand(label(envelope), 'error');
    throw error;
  } finally {
    timeCommandBatch(secondsSince(started));
  }
}

async function decideAndAppendAll(
  pool: Pool,
  registry: AggregateRegistry,
  envelopes: readonly CommandEnvelope[],
  now: () => Date,
  settledAlone: Set<string>,
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

  // Deciding folds event data only; the metadata would be sent and parsed for nothing.
  const histories = await readStreams(
    pool,
    pending.map((item) => item.streamId),
    { withoutMetadata: true },
  );
  const decided: Decided[] = [];
  for (const item of pending) {
    const history = histories.get(item.streamId) ?? [];
    try {
      const events = item.aggregate.decide(item.envelope.command as never, fold(item.aggregate, history), {
        attempt: item.envelope.attempt ?? 1,
        now: now(),
      }) as Array<{ type: string; data: unknown }>;
      const newEvents = events.map((event) => toNewEvent(event, item.envelope));
      decided.push({
        ...item,
        expectedVersion: history.length,
        newEvents,
        lastPosition: history.at(-1)?.globalPosition ?? null,
      });
    } catch (error) {
      if (!isDomainError(error) || error.kind === 'transient') throw error;
      outcomes.set(item.envelope.commandId, { commandId: item.envelope.commandId, ok: false, error });
    }
  }

  const { settleAlone: retryOneByOne, committedTypes } = await inAppendTransaction(pool, async (client) => {
    const { positions, conflicted } = await insertAll(client, decided);
    const appended = decided.filter((item) => !conflicted.has(item.streamId));
    const results = new Map(
      appended.map((item) => [
        item.envelope.commandId,
        {
          streamId: item.streamId,
          version: item.expectedVersion + item.newEvents.length,
          changed: item.newEvents.length > 0,
          eventIds: item.newEvents.map((event) => event.metadata.eventId),
          position: positions.get(item.streamId) ?? item.lastPosition,
        },
      ]),
    );
    const recorded = await recordProcessedCommands(
      client,
      appended.map((item) => ({
        commandId: item.envelope.commandId,
        streamId: item.streamId,
        commandType: item.envelope.command.type,
        requestHash: item.hash,
        result: results.get(item.envelope.commandId)!,
      })),
    );
    // Beaten by another writer of the stream, or the same command recorded by a concurrent delivery:
    // take their events back out of this transaction and settle them one by one.
    const settleAlone = decided.filter(
      (item) => conflicted.has(item.streamId) || !recorded.has(item.envelope.commandId),
    );
    const retracted = settleAlone.flatMap((item) =>
      conflicted.has(item.streamId) ? [] : item.newEvents.map((event) => event.metadata.eventId),
    );
    if (retracted.length > 0)
      await client.query('delete from events where event_id = any($1::uuid[])', [retracted]);
    const kept = appended.filter((item) => recorded.has(item.envelope.commandId));
    for (const item of kept) {
      outcomes.set(item.envelope.commandId, {
        commandId: item.envelope.commandId,
        ok: true,
        result: { ...results.get(item.envelope.commandId)!, duplicate: false },
      });
    }
    return { settleAlone, committedTypes: kept.flatMap((item) => item.newEvents.map((event) => event.type)) };
  });
  if (committedTypes.length > 0) notifierFor(pool).committed();
  countAppended(committedTypes);

  for (const item of retryOneByOne) {
    settledAlone.add(item.envelope.commandId);
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

interface Decided {
  envelope: CommandEnvelope;
  aggregate: AnyAggregate;
  streamId: string;
  hash: string;
  expectedVersion: number;
  newEvents: NewEvent[];
  /** Position of the stream's last event before this command. */
  lastPosition: string | null;
}

/**
 * Appends every item's events in one statement. The expected version is checked per stream: an event
 * lands only if the stream is still at the version this batch read, and a stream that moved conflicts on
 * (stream_id, stream_version); such a stream's events are deleted again. Returns the position of each
 * appended stream's last event, and the streams that conflicted.
 */
async function insertAll(
  client: Queryable,
  decided: readonly Decided[],
): Promise<{ positions: Map<string, string>; conflicted: Set<string> }> {
  const rows = decided.flatMap((item) =>
    item.newEvents.map((event, index) => ({ item, event, version: item.expectedVersion + index + 1 })),
  );
  const positions = new Map<string, string>();
  const conflicted = new Set<string>();
  if (rows.length === 0) return { positions, conflicted };
  const inserted = await client.query<{ stream_id: string; position: string }>(
    `insert into events (event_id, stream_id, stream_version, event_type, schema_version, data, metadata)
     select * from unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::int[], $6::jsonb[], $7::jsonb[])
     on conflict (stream_id, stream_version) do nothing
     returning stream_id, global_position::text as position`,
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
  for (const row of inserted.rows) {
    insertedCount.set(row.stream_id, (insertedCount.get(row.stream_id) ?? 0) + 1);
    const last = positions.get(row.stream_id);
    if (last === undefined || BigInt(row.position) > BigInt(last)) positions.set(row.stream_id, row.position);
  }
  for (const item of decided) {
    if ((insertedCount.get(item.streamId) ?? 0) !== item.newEvents.length) conflicted.add(item.streamId);
  }
  if (conflicted.size > 0) {
    await client.query('delete from events where event_id = any($1::uuid[])', [
      decided
        .filter((item) => conflicted.has(item.streamId))
        .flatMap((item) => item.newEvents.map((event) => event.metadata.eventId)),
    ]);
  }
  return { positions, conflicted };
}
