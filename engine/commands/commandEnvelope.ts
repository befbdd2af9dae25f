import { createHash } from 'node:crypto';
import type { Message } from '../aggregate/decider';
import type { CommandMetadata } from '../eventstore/types';

/** A command on its way to an aggregate, from either door (HTTP or a saga's activity). */
export interface CommandEnvelope<Command extends Message = Message> {
  /** Idempotency key: a repeat with the same id appends nothing and returns the first result. */
  commandId: string;
  command: Command;
  metadata: CommandMetadata;
  /** Delivery attempt (Temporal's attempt number for activities); 1 when absent. */
  attempt?: number;
  /**
   * Decide only on the stream at this version: one moved since (by anyone) is rejected as StreamChanged
   * rather than decided on. For commands planned from what the stream was, such as a reversal.
   */
  expectedVersion?: number;
  /**
   * The W3C traceparent of the span that sent it, for its events' metadata. Taken when the command is
   * sent: a grouped command is decided in another command's async context. Absent: the active span's.
   */
  traceparent?: string;
}

/** What a command did; a repeat returns the first one with `duplicate: true`. */
export interface CommandResult {
  streamId: string;
  /** Stream version after the command. */
  version: number;
  /** Whether the command appended events (false: it was already in effect). */
  changed: boolean;
  eventIds: string[];
  /**
   * Global position (bigint as a decimal string) of the stream's last event after the command: the one it
   * appended, or for a command already in effect the one that made it so; null for a stream still empty.
   * A read model that has reached it reflects the command (read your writes).
   */
  position: string | null;
  duplicate: boolean;
}

/** One idempotency key reused for a different request: refuse rather than return someone else's result. */
export class IdempotencyKeyReusedError extends Error {
  constructor(readonly commandId: string) {
    super(`Command id ${commandId} was already used for a different command`);
    this.name = 'IdempotencyKeyReusedError';
  }
}

/** Hash of what the command asks for, independent of key order, to detect a reused key. */
export function requestHash(command: Message): string {
  return createHash('sha256').update(canonicalJson(command)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
