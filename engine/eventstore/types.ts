import type { Pool, PoolClient } from 'pg';

export type Queryable = Pool | PoolClient;

/** Who and what caused an event; recorded on every event. */
export interface EventMetadata {
  eventId: string;
  commandId: string;
  commandType: string;
  correlationId: string;
  causationId: string;
  actor: string;
  /** Set when a saga sent the command. */
  workflowId?: string;
  runId?: string;
  /**
   * W3C trace context of the span the command was handled in (the HTTP request's, the saga activity's);
   * set only while tracing is on. The relay parents its saga start on it, so one trace follows the chain.
   */
  traceparent?: string;
}

/** Metadata the sender of a command supplies; the event store adds event and command ids. */
export type CommandMetadata = Omit<EventMetadata, 'eventId' | 'commandId' | 'commandType' | 'traceparent'>;

/**
 * A place in the log, in read order: (transaction id, global position). Both are 64-bit (xid8, bigint)
 * and travel as decimal strings: a JS number is exact only up to 2^53, and comparing them as text is
 * wrong whenever they differ in length. Compare with comparePositions, or in SQL as xid8/bigint.
 */
export interface LogPosition {
  transactionId: string;
  globalPosition: string;
}

export const logStart: LogPosition = { transactionId: '0', globalPosition: '0' };

export interface StoredEvent<Type extends string = string, Data = unknown> {
  /** bigint as a decimal string (see LogPosition). */
  globalPosition: string;
  transactionId: string;
  eventId: string;
  streamId: string;
  streamVersion: number;
  type: Type;
  schemaVersion: number;
  data: Data;
  metadata: EventMetadata;
  recordedAt: Date;
  /** How the log holds it, when that differs from what readers see (an older schema version, an old name). */
  storedAs?: { type: string; schemaVersion: number };
}

export function positionOf(event: Pick<StoredEvent, 'transactionId' | 'globalPosition'>): LogPosition {
  return { transactionId: event.transactionId, globalPosition: event.globalPosition };
}

export function comparePositions(a: LogPosition, b: LogPosition): number {
  return (
    compareDecimal(a.transactionId, b.transactionId) || compareDecimal(a.globalPosition, b.globalPosition)
  );
}

/** Numeric order of two non-negative decimal strings of any size. */
export function compareDecimal(a: string, b: string): number {
  const difference = BigInt(a) - BigInt(b);
  return difference === 0n ? 0 : difference < 0n ? -1 : 1;
}
