import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { fold } from '../aggregate/decider';
import type { AggregateRegistry } from '../aggregate/registry';
import { appendToStream, ConcurrencyConflictError, type NewEvent } from './append';
import {
  IdempotencyKeyReusedError,
  requestHash,
  type CommandEnvelope,
  type CommandResult,
} from './commandEnvelope';
import { findProcessedCommands, recordProcessedCommands } from './processedCommands';
import { readStream } from './readStream';
import { inAppendTransaction } from './transaction';
import type { EventMetadata } from './types';

export interface CommandHandlerOptions {
  /** How many times a concurrency conflict is answered by reloading and deciding again. */
  maxConflictRetries?: number;
  now?: () => Date;
}

/** The same command id was recorded by a concurrent transaction meanwhile: roll back and return its result. */
class RecordedConcurrently extends Error {}

/**
 * Load → decide → append, in one transaction that also records the command id. The one way any
 * command reaches an aggregate, from HTTP and from sagas alike.
 */
export async function handleCommand(
  pool: Pool,
  registry: AggregateRegistry,
  envelope: CommandEnvelope,
  options: CommandHandlerOptions = {},
): Promise<CommandResult> {
  const aggregate = registry.aggregateFor(envelope.command);
  const streamId = registry.streamIdFor(envelope.command);
  const hash = requestHash(envelope.command);
  const maxRetries = options.maxConflictRetries ?? 5;

  for (let attempt = 0; ; attempt++) {
    try {
      return await inAppendTransaction(
        pool,
        async (client) => {
          const previous = (await findProcessedCommands(client, [envelope.commandId])).get(
            envelope.commandId,
          );
          if (previous) {
            if (previous.requestHash !== hash) throw new IdempotencyKeyReusedError(envelope.commandId);
            return { ...previous.result, duplicate: true };
          }
          const history = await readStream(client, streamId);
          const state = fold(aggregate, history);
          const decided = aggregate.decide(envelope.command, state, {
            attempt: envelope.attempt ?? 1,
            now: options.now?.() ?? new Date(),
          }) as Array<{ type: string; data: unknown }>;
          const newEvents = decided.map((event) => toNewEvent(event, envelope));
          const appended = await appendToStream(client, streamId, history.length, newEvents);
          const result: Omit<CommandResult, 'duplicate'> = {
            streamId,
            version: history.length + newEvents.length,
            changed: newEvents.length > 0,
            eventIds: newEvents.map((event) => event.metadata.eventId),
            position: (appended.at(-1) ?? history.at(-1))?.globalPosition ?? null,
          };
          const recorded = await recordProcessedCommands(client, [
            {
              commandId: envelope.commandId,
              streamId,
              commandType: envelope.command.type,
              requestHash: hash,
              result,
            },
          ]);
          if (!recorded.has(envelope.commandId)) throw new RecordedConcurrently();
          return { ...result, duplicate: false };
        },
        // Writers of one stream take turns, so concurrent commands wait instead of conflicting in lockstep
        // and exhausting their retries; the expected-version check still guards every other writer.
        // (Two-key form, key 1: apart from the append lock and the subscriptions' one-key locks.)
        { sql: 'pg_advisory_xact_lock(1, hashtext($1))', values: [streamId] },
      );
    } catch (error) {
      if (error instanceof RecordedConcurrently) continue;
      if (!(error instanceof ConcurrencyConflictError) || attempt >= maxRetries) throw error;
    }
  }
}

export function toNewEvent(event: { type: string; data: unknown }, envelope: CommandEnvelope): NewEvent {
  const metadata: EventMetadata = {
    ...envelope.metadata,
    eventId: randomUUID(),
    commandId: envelope.commandId,
    commandType: envelope.command.type,
  };
  return { type: event.type, data: event.data, metadata };
}
