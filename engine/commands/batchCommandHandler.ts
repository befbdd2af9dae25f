import type { Pool } from 'pg';
import { isDomainError } from '../aggregate/errors';
import type { AggregateRegistry } from '../aggregate/registry';
import { appendBatch, retractEvents } from '../eventstore/batchAppend';
import { notifierFor } from '../eventstore/notifier';
import { recordProcessedCommands } from '../eventstore/processedCommands';
import { inAppendTransaction } from '../eventstore/transaction';
import type { Queryable } from '../eventstore/types';
import {
  commandLabel,
  countAppended,
  countCommand,
  outcomeOfFailure,
  secondsSince,
  timeCommandBatch,
} from '../metrics/commandMetrics';
import { handleCommand } from './commandHandler';
import { IdempotencyKeyReusedError, type CommandEnvelope } from './commandEnvelope';
import { answerProcessed, decideAll, routeBatch, type BatchOutcome, type Decided } from './batchDecisions';

export type { BatchOutcome } from './batchDecisions';

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
  const pending = await answerProcessed(pool, routeBatch(registry, envelopes), outcomes);
  const decided = await decideAll(pool, pending, now, outcomes);
  const { settleAlone, committedTypes } = await inAppendTransaction(pool, (client) =>
    appendDecided(client, decided, outcomes),
  );
  if (committedTypes.length > 0) notifierFor(pool).committed();
  countAppended(committedTypes);
  for (const item of settleAlone) {
    settledAlone.add(item.envelope.commandId);
    outcomes.set(item.envelope.commandId, await settleOne(pool, registry, item.envelope));
  }
  return envelopes.map((envelope) => outcomes.get(envelope.commandId)!);
}

/**
 * Appends every decided command's events and records its command id, in the caller's transaction.
 * Returns the commands to settle one by one: those whose stream another writer moved, and those whose
 * command id a concurrent delivery recorded first (their events are taken back out).
 */
async function appendDecided(
  client: Queryable,
  decided: readonly Decided[],
  outcomes: Map<string, BatchOutcome>,
): Promise<{ settleAlone: Decided[]; committedTypes: string[] }> {
  const { positions, conflicted } = await appendBatch(client, decided);
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
  const kept = appended.filter((item) => recorded.has(item.envelope.commandId));
  await retractEvents(
    client,
    appended.filter((item) => !recorded.has(item.envelope.commandId)).flatMap((item) => item.newEvents),
  );
  for (const item of kept) {
    const result = { ...results.get(item.envelope.commandId)!, duplicate: false };
    outcomes.set(item.envelope.commandId, { commandId: item.envelope.commandId, ok: true, result });
  }
  return {
    settleAlone: decided.filter((item) => !kept.includes(item)),
    committedTypes: kept.flatMap((item) => item.newEvents.map((event) => event.type)),
  };
}

/** One command through handleCommand: its own load, decide and append, as if it had come alone. */
async function settleOne(
  pool: Pool,
  registry: AggregateRegistry,
  envelope: CommandEnvelope,
): Promise<BatchOutcome> {
  try {
    return { commandId: envelope.commandId, ok: true, result: await handleCommand(pool, registry, envelope) };
  } catch (error) {
    if (!isDomainError(error) && !(error instanceof IdempotencyKeyReusedError)) throw error;
    if (isDomainError(error) && error.kind === 'transient') throw error;
    return { commandId: envelope.commandId, ok: false, error };
  }
}
