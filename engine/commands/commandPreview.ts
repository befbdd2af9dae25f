import type { AggregateRegistry } from '../aggregate/registry';
import { fold, type Message } from '../aggregate/decider';
import { IdempotencyKeyReusedError, requestHash, type CommandEnvelope } from './commandEnvelope';
import { decideOn, type CommandHandlerOptions } from './commandHandler';
import { findProcessedCommands } from '../eventstore/processedCommands';
import { readStream } from '../eventstore/readStream';
import type { Queryable } from '../eventstore/types';

/** What a command would do, decided and never written. */
export interface CommandPreview {
  streamId: string;
  /** The stream's version after the events (its version now, when there are none). */
  version: number;
  /** The events the command would append, each with the stream version it would get. */
  events: Array<Message & { streamVersion: number }>;
  /** The aggregate's state after those events. */
  state: unknown;
  /** The command id was already used for this command: the real call would append nothing and replay. */
  duplicate: boolean;
}

/**
 * A dry run of handleCommand: the same load and the same decision, so it accepts and rejects exactly what
 * the real call would (a DomainError, a reused idempotency key), then stops short of the append. Plain
 * reads, no transaction and no locks: a preview never makes a real command wait. Another writer may move
 * the stream before a real call, so the preview tells what the command would do now, not a reservation.
 */
export async function previewCommand(
  db: Queryable,
  registry: AggregateRegistry,
  envelope: CommandEnvelope,
  options: Pick<CommandHandlerOptions, 'now'> = {},
): Promise<CommandPreview> {
  const aggregate = registry.aggregateFor(envelope.command);
  const streamId = registry.streamIdFor(envelope.command);
  const [history, processed] = await Promise.all([
    readStream(db, streamId),
    findProcessedCommands(db, [envelope.commandId]),
  ]);
  const previous = processed.get(envelope.commandId);
  if (previous && previous.requestHash !== requestHash(envelope.command))
    throw new IdempotencyKeyReusedError(envelope.commandId);
  const decided = previous ? [] : decideOn(aggregate, history, envelope, options);
  const events = decided.map((event, index) => ({
    streamVersion: history.length + index + 1,
    type: event.type,
    data: event.data,
  }));
  return {
    streamId,
    version: history.length + events.length,
    events,
    state: fold(aggregate, [...history, ...decided]),
    duplicate: previous !== undefined,
  };
}
