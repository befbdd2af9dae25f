import type { Pool } from 'pg';
import { isDomainError, type DomainError } from '../aggregate/errors';
import type { AggregateRegistry } from '../aggregate/registry';
import { beginAndReadGroup, writeAndCommitGroup } from '../eventstore/commandGroupStatements';
import type { CommandWrite } from '../eventstore/commandStatements';
import { notifierFor } from '../eventstore/notifier';
import { countAppended } from '../metrics/commandMetrics';
import {
  IdempotencyKeyReusedError,
  requestHash,
  type CommandEnvelope,
  type CommandResult,
} from './commandEnvelope';
import { commandWrite, decideOn, rollback } from './commandHandler';

/** What the group's transaction made of a command; `alone`: it must be handled on its own. */
export type GroupOutcome =
  | { kind: 'answered'; result: CommandResult }
  | { kind: 'refused'; error: DomainError | IdempotencyKeyReusedError }
  | { kind: 'alone' };

interface Planned {
  envelope: CommandEnvelope;
  write: CommandWrite;
}

/**
 * Commands for different streams, in the two round trips one command takes (handleCommand): begin, lock
 * the streams, read their records and histories; decide each in memory; append and record them all and
 * commit. Each command is decided against its own stream under its own id: a duplicate or a reused key is
 * answered from its record, a rejection is its own, and one whose decider failed otherwise (a transient
 * error, a bug) is left to be handled alone. If the transaction fails, every command it would have written
 * is left to be handled alone too: nothing of the group was committed.
 */
export async function handleCommandGroup(
  pool: Pool,
  registry: AggregateRegistry,
  envelopes: readonly CommandEnvelope[],
): Promise<Map<string, GroupOutcome>> {
  const outcomes = new Map<string, GroupOutcome>();
  const client = await pool.connect();
  let open = true;
  try {
    const streamIds = envelopes.map((envelope) => registry.streamIdFor(envelope.command));
    const reads = await beginAndReadGroup(
      client,
      streamIds,
      envelopes.map((envelope) => envelope.commandId),
    );
    const planned = plan(registry, envelopes, reads, outcomes);
    if (planned.length === 0) {
      await client.query('rollback');
      open = false;
      client.release();
      return outcomes;
    }
    const positions = await writeAndCommitGroup(
      client,
      planned.map((item) => item.write),
    );
    open = false;
    client.release();
    const appendedTypes = planned.flatMap((item) => item.write.events.map((event) => event.type));
    if (appendedTypes.length > 0) notifierFor(pool).committed();
    countAppended(appendedTypes);
    for (const { envelope, write } of planned)
      outcomes.set(envelope.commandId, {
        kind: 'answered',
        result: { ...write.result, position: positions.get(envelope.commandId) ?? null, duplicate: false },
      });
    return outcomes;
  } catch (error) {
    if (open) await rollback(client, error);
    // What the reads answered stands (a duplicate or a rejection writes nothing); the rest goes alone.
    for (const envelope of envelopes)
      if (!outcomes.has(envelope.commandId)) outcomes.set(envelope.commandId, { kind: 'alone' });
    return outcomes;
  }
}

/** Answers duplicates, reused keys and rejections into `outcomes`; returns the writes of the others. */
function plan(
  registry: AggregateRegistry,
  envelopes: readonly CommandEnvelope[],
  reads: Awaited<ReturnType<typeof beginAndReadGroup>>,
  outcomes: Map<string, GroupOutcome>,
): Planned[] {
  const planned: Planned[] = [];
  for (const envelope of envelopes) {
    const { commandId } = envelope;
    const hash = requestHash(envelope.command);
    const previous = reads.previous.get(commandId);
    if (previous) {
      outcomes.set(
        commandId,
        previous.requestHash === hash
          ? { kind: 'answered', result: { ...previous.result, duplicate: true } }
          : { kind: 'refused', error: new IdempotencyKeyReusedError(commandId) },
      );
      continue;
    }
    const streamId = registry.streamIdFor(envelope.command);
    const history = reads.histories.get(streamId) ?? [];
    let decided;
    try {
      decided = decideOn(registry.aggregateFor(envelope.command), history, envelope);
    } catch (error) {
      const refused = isDomainError(error) && error.kind !== 'transient';
      outcomes.set(commandId, refused ? { kind: 'refused', error } : { kind: 'alone' });
      continue;
    }
    planned.push({ envelope, write: commandWrite(envelope, streamId, hash, history, decided) });
  }
  return planned;
}
