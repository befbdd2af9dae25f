import type { AnyAggregate } from '../aggregate/aggregate';
import { isDomainError, type DomainError } from '../aggregate/errors';
import type { AggregateRegistry } from '../aggregate/registry';
import type { CommandWrite } from '../eventstore/commandStatements';
import type { GroupReads } from '../eventstore/commandGroupStatements';
import type { StoredEvent } from '../eventstore/types';
import { commandWrite, decideOn } from './commandHandler';
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

/** A routed command its decider accepted, with what it would write. */
export interface Decided extends Routed {
  write: CommandWrite;
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
export function answerProcessed(
  routed: readonly Routed[],
  previous: GroupReads['previous'],
  outcomes: Map<string, BatchOutcome>,
): Routed[] {
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
 * Decides each pending command in memory against its stream's history. A rejection is that command's
 * outcome; a transient error (or a bug) fails the whole batch, which is retried as a page.
 */
export function decideAll(
  pending: readonly Routed[],
  histories: ReadonlyMap<string, StoredEvent[]>,
  now: () => Date,
  outcomes: Map<string, BatchOutcome>,
): Decided[] {
  const decided: Decided[] = [];
  for (const item of pending) {
    const history = histories.get(item.streamId) ?? [];
    try {
      const events = decideOn(item.aggregate, history, item.envelope, { now });
      decided.push({
        ...item,
        write: commandWrite(item.envelope, item.streamId, item.hash, history, events),
      });
    } catch (error) {
      if (!isDomainError(error) || error.kind === 'transient') throw error;
      outcomes.set(item.envelope.commandId, { commandId: item.envelope.commandId, ok: false, error });
    }
  }
  return decided;
}
