import type { Pool } from 'pg';
import { isDomainError } from '../aggregate/errors';
import type { AggregateRegistry } from '../aggregate/registry';
import { appendBatch, retractEvents } from '../eventstore/batchAppend';
import { readBatch, writeAndCommitBatch } from '../eventstore/batchStatements';
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
import { handleCommand, rollback } from './commandHandler';
import { IdempotencyKeyReusedError, type CommandEnvelope } from './commandEnvelope';
import { answerProcessed, decideAll, routeBatch, type BatchOutcome, type Decided } from './batchDecisions';

export type { BatchOutcome } from './batchDecisions';

const uniqueViolation = '23505';

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
  const routed = routeBatch(registry, envelopes);
  // A first delivery looks up no command ids: none can be recorded yet, and should one be, its row's
  // unique key fails the write and the careful way below answers it from its record.
  const firstDelivery = envelopes.every((envelope) => (envelope.attempt ?? 1) === 1);
  const reads = await readBatch(
    pool,
    routed.map((item) => item.streamId),
    firstDelivery ? [] : routed.map((item) => item.envelope.commandId),
  );
  const pending = answerProcessed(routed, reads.previous, outcomes);
  const decided = decideAll(pending, reads.histories, now, outcomes);
  const committedTypes = await writeAtOnce(pool, decided, outcomes);
  if (committedTypes === undefined) {
    // Someone else wrote to one of the streams or command ids meanwhile: the careful way, stream by stream.
    const careful = await inAppendTransaction(pool, (client) => appendDecided(client, decided, outcomes));
    settle(pool, careful.committedTypes);
    for (const item of careful.settleAlone) {
      settledAlone.add(item.envelope.commandId);
      outcomes.set(item.envelope.commandId, await settleOne(pool, registry, item.envelope));
    }
  } else settle(pool, committedTypes);
  return envelopes.map((envelope) => outcomes.get(envelope.commandId)!);
}

function settle(pool: Pool, committedTypes: readonly string[]): void {
  if (committedTypes.length > 0) notifierFor(pool).committed();
  countAppended(committedTypes);
}

/**
 * Appends and records every decided command in one round trip, as they were decided. Returns the types
 * appended, or undefined if any stream or command id was written meanwhile (nothing was committed then).
 */
async function writeAtOnce(
  pool: Pool,
  decided: readonly Decided[],
  outcomes: Map<string, BatchOutcome>,
): Promise<string[] | undefined> {
  if (decided.length === 0) return [];
  const writes = decided.map((item) => item.write);
  const client = await pool.connect();
  let positions: Map<string, string | null>;
  try {
    positions = await writeAndCommitBatch(client, writes);
    client.release();
  } catch (error) {
    await rollback(client, error);
    if ((error as { code?: string }).code === uniqueViolation) return undefined;
    throw error;
  }
  for (const write of writes)
    outcomes.set(write.commandId, {
      commandId: write.commandId,
      ok: true,
      result: { ...write.result, position: positions.get(write.commandId) ?? null, duplicate: false },
    });
  return writes.flatMap((write) => write.events.map((event) => event.type));
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
  const { positions, conflicted } = await appendBatch(
    client,
    decided.map((item) => item.write),
  );
  const appended = decided.filter((item) => !conflicted.has(item.streamId));
  const results = new Map(
    appended.map(({ write }) => [
      write.commandId,
      { ...write.result, position: positions.get(write.streamId) ?? write.lastPosition },
    ]),
  );
  const recorded = await recordProcessedCommands(
    client,
    appended.map(({ write }) => ({ ...write, result: results.get(write.commandId)! })),
  );
  const kept = new Set(appended.filter((item) => recorded.has(item.envelope.commandId)));
  await retractEvents(
    client,
    appended.filter((item) => !kept.has(item)).flatMap((item) => item.write.events),
  );
  for (const item of kept) {
    const result = { ...results.get(item.envelope.commandId)!, duplicate: false };
    outcomes.set(item.envelope.commandId, { commandId: item.envelope.commandId, ok: true, result });
  }
  return {
    settleAlone: decided.filter((item) => !kept.has(item)),
    committedTypes: [...kept].flatMap((item) => item.write.events.map((event) => event.type)),
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
