import type { Pool } from 'pg';
import type { AnyAggregate } from '../aggregate/aggregate';
import { fold } from '../aggregate/decider';
import { isDomainError, type DomainError } from '../aggregate/errors';
import type { AggregateRegistry } from '../aggregate/registry';
import type { NewEvent } from '../eventstore/append';
import { findProcessedCommands } from '../eventstore/processedCommands';
import { readStreams } from '../eventstore/readStream';
import { toNewEvent } from './commandHandler';
import {
  IdempotencyKeyReusedError,
  requestHash,
  type CommandEnvelope,
  type CommandResult,
} from './commandEnvelope';

export type BatchOutcome =
  | { commandId: string; ok: true; result: CommandResult }
  | { commandId: string; ok: false; error: DomainError | IdempotencyKeyReusedError };

/** A command of a batch with the aggregate and stream it goes to. */
export interface Routed {
  envelope: CommandEnvelope;
  aggregate: AnyAggregate;
  streamId: string;
  hash: string;
}

/** A routed command its decider accepted, with the events it decided and the version they extend. */
export interface Decided extends Routed {
  expectedVersion: number;
  newEvents: NewEvent[];
  /** Position of the stream's last event before this command. */
  lastPosition: string | null;
}

export function routeBatch(registry: AggregateRegistry, envelopes: readonly CommandEnvelope[]): Routed[] {
  const routed = envelopes.map((envelope) => ({
    envelope,
    aggregate: registry.aggregateFor(envelope.command),
    streamId: registry.streamIdFor(envelope.command),
    hash: requestHash(envelope.command),
  }));
  if (new Set(routed.map((item) => item.streamId)).size !== routed.length)
    throw new Error('handleCommandBatch takes at most one command per stream');
  return routed;
}

/**
 * Answers the commands whose id was already processed (a duplicate, or the id reused for another
 * request) into `outcomes`, and returns the others.
 */
export async function answerProcessed(
  pool: Pool,
  routed: readonly Routed[],
  outcomes: Map<string, BatchOutcome>,
): Promise<Routed[]> {
  const previous = await findProcessedCommands(
    pool,
    routed.map((item) => item.envelope.commandId),
  );
  return routed.filter((item) => {
    const commandId = item.envelope.commandId;
    const seen = previous.get(commandId);
    if (!seen) return true;
    outcomes.set(
      commandId,
      seen.requestHash === item.hash
        ? { commandId, ok: true, result: { ...seen.result, duplicate: true } }
        : { commandId, ok: false, error: new IdempotencyKeyReusedError(commandId) },
    );
    return false;
  });
}

/**
 * Loads the pending commands' streams together and decides each in memory. A rejection is that
 * command's outcome; a transient error (or a bug) fails the whole batch, which is retried as a page.
 */
export async function decideAll(
  pool: Pool,
  pending: readonly Routed[],
  now: () => Date,
  outcomes: Map<string, BatchOutcome>,
): Promise<Decided[]> {
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
      decided.push({
        ...item,
        expectedVersion: history.length,
        newEvents: events.map((event) => toNewEvent(event, item.envelope)),
        lastPosition: history.at(-1)?.globalPosition ?? null,
      });
    } catch (error) {
      if (!isDomainError(error) || error.kind === 'transient') throw error;
      outcomes.set(item.envelope.commandId, { commandId: item.envelope.commandId, ok: false, error });
    }
  }
  return decided;
}
