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
}

/** Metadata the sender of a command supplies; the event store adds event and command ids. */
export type CommandMetadata = Omit<EventMetadata, 'eventId' | 'commandId' | 'commandType'>;

/** A place in the log, in read order: (transaction id, global position). */
export interface LogPosition {
  /** xid8 as a decimal string: it can exceed 2^53. */
  transactionId: string;
  globalPosition: number;
}

export const logStart: LogPosition = { transactionId: '0', globalPosition: 0 };

export interface StoredEvent<Type extends string = string, Data = unknown> {
  globalPosition: number;
  transactionId: string;
  eventId: string;
  streamId: string;
  streamVersion: number;
  type: Type;
  schemaVersion: number;
  data: Data;
  metadata: EventMetadata;
  recordedAt: Date;
}

export function positionOf(event: Pick<StoredEvent, 'transactionId' | 'globalPosition'>): LogPosition {
  return { transactionId: event.transactionId, globalPosition: event.globalPosition };
}

export function comparePositions(a: LogPosition, b: LogPosition): number {
  const tx = BigInt(a.transactionId) - BigInt(b.transactionId);
  if (tx !== 0n) return tx < 0n ? -1 : 1;
  return a.globalPosition - b.globalPosition;
}
