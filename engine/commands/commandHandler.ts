import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { AnyAggregate } from '../aggregate/aggregate';
import { fold, type Message } from '../aggregate/decider';
import type { AggregateRegistry } from '../aggregate/registry';
import { rejectBecause } from '../aggregate/errors';
import { ConcurrencyConflictError, type NewEvent } from '../eventstore/append';
import {
  IdempotencyKeyReusedError,
  requestHash,
  type CommandEnvelope,
  type CommandResult,
} from './commandEnvelope';
import { beginAndRead, writeAndCommit, type CommandWrite } from '../eventstore/commandStatements';
import {
  commandLabel,
  countAppended,
  countCommand,
  outcomeOfFailure,
  secondsSince,
} from '../metrics/commandMetrics';
import { notifierFor } from '../eventstore/notifier';
import { activeTraceparent } from '../telemetry/traceparent';
import type { EventMetadata, StoredEvent } from '../eventstore/types';

export interface CommandHandlerOptions {
  /** How many times a concurrency conflict is answered by reloading and deciding again. */
  maxConflictRetries?: number;
  now?: () => Date;
}

const uniqueViolation = '23505';

/**
 * Load → decide → append, in one transaction that also records the command id: the one way any command
 * reaches an aggregate, from HTTP and from sagas alike. Two round trips (./commandStatements.ts). Writers
 * of one stream take turns on a lock, so concurrent commands wait instead of conflicting in lockstep; the
 * (stream, version) key still guards against any other writer.
 */
export async function handleCommand(
  pool: Pool,
  registry: AggregateRegistry,
  envelope: CommandEnvelope,
  options: CommandHandlerOptions = {},
): Promise<CommandResult> {
  const started = process.hrtime.bigint();
  const command = commandLabel(registry, envelope.command.type);
  try {
    const result = await decideAndAppend(pool, registry, envelope, options);
    countCommand(command, result.duplicate ? 'duplicate' : 'accepted', secondsSince(started));
    return result;
  } catch (error) {
    countCommand(command, outcomeOfFailure(error), secondsSince(started));
    throw error;
  }
}

async function decideAndAppend(
  pool: Pool,
  registry: AggregateRegistry,
  envelope: CommandEnvelope,
  options: CommandHandlerOptions,
): Promise<CommandResult> {
  const aggregate = registry.aggregateFor(envelope.command);
  const streamId = registry.streamIdFor(envelope.command);
  const hash = requestHash(envelope.command);
  const maxRetries = options.maxConflictRetries ?? 5;

  for (let attempt = 0; ; attempt++) {
    const client = await pool.connect();
    let open = false;
    try {
      open = true;
      const { previous, history } = await beginAndRead(client, streamId, envelope.commandId);
      if (previous) {
        await client.query('rollback');
        open = false;
        client.release();
        if (previous.requestHash !== hash) throw new IdempotencyKeyReusedError(envelope.commandId);
        return { ...previous.result, duplicate: true };
      }
      const write = commandWrite(
        envelope,
        streamId,
        hash,
        history,
        decideOn(aggregate, history, envelope, options),
      );
      const { events, result } = write;
      const position = await writeAndCommit(client, write);
      open = false;
      client.release();
      if (events.length > 0) notifierFor(pool).committed();
      countAppended(events.map((event) => event.type));
      return { ...result, position, duplicate: false };
    } catch (error) {
      if (open) await rollback(client, error);
      else if (error instanceof IdempotencyKeyReusedError) throw error;
      const violated = (error as { code?: string; constraint?: string }).code === uniqueViolation;
      // The command id was recorded by a concurrent delivery: go round again to answer its result.
      if (violated && (error as { constraint?: string }).constraint === 'processed_commands_pkey') continue;
      if (violated && attempt < maxRetries) continue; // another writer moved the stream: decide again
      if (violated) throw new ConcurrencyConflictError(streamId, -1);
      throw error;
    }
  }
}

/** The aggregate's decision on the command against its stream as loaded: throws a DomainError to reject. */
export function decideOn(
  aggregate: AnyAggregate,
  history: readonly Message[],
  envelope: CommandEnvelope,
  options: Pick<CommandHandlerOptions, 'now'> = {},
): Message[] {
  if (envelope.expectedVersion !== undefined && history.length !== envelope.expectedVersion)
    rejectBecause(
      'StreamChanged',
      `the stream is at version ${history.length}, not ${envelope.expectedVersion} as this command expects`,
      { version: history.length, expectedVersion: envelope.expectedVersion },
    );
  return aggregate.decide(envelope.command, fold(aggregate, history), {
    attempt: envelope.attempt ?? 1,
    now: options.now?.() ?? new Date(),
  }) as Message[];
}

/** What a decided command writes: its events after the stream as read, and the result it records. */
export function commandWrite(
  envelope: CommandEnvelope,
  streamId: string,
  requestHash: string,
  history: readonly StoredEvent[],
  decided: readonly Message[],
): CommandWrite {
  const events = decided.map((event) => toNewEvent(event, envelope));
  return {
    streamId,
    expectedVersion: history.length,
    events,
    commandId: envelope.commandId,
    commandType: envelope.command.type,
    requestHash,
    result: {
      streamId,
      version: history.length + events.length,
      changed: events.length > 0,
      eventIds: events.map((event) => event.metadata.eventId),
    },
    lastPosition: history.at(-1)?.globalPosition ?? null,
  };
}

/** Rolls back and releases; a connection that cannot even roll back is dropped from the pool. */
export async function rollback(client: PoolClient, cause: unknown): Promise<void> {
  const broken = await client.query('rollback').then(
    () => undefined,
    (error: Error) => error,
  );
  client.release(broken ?? (isConnectionError(cause) ? (cause as Error) : undefined));
}

function isConnectionError(error: unknown): boolean {
  return !(error as { code?: string }).code;
}

export function toNewEvent(event: { type: string; data: unknown }, envelope: CommandEnvelope): NewEvent {
  const metadata: EventMetadata = {
    ...envelope.metadata,
    eventId: randomUUID(),
    commandId: envelope.commandId,
    commandType: envelope.command.type,
  };
  const traceparent = envelope.traceparent ?? activeTraceparent();
  if (traceparent) metadata.traceparent = traceparent;
  return { type: event.type, data: event.data, metadata };
}
