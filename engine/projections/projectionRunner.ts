import type { Pool } from 'pg';
import { loadCheckpoint } from '../eventstore/checkpoints';
import { checkpointReached } from '../eventstore/positionReached';
import type { HeldBy } from '../eventstore/horizon';
import { resetCheckpointAndTruncate } from '../eventstore/projectionTables';
import { LogSubscription } from '../eventstore/subscription';
import type { LogPosition, Queryable } from '../eventstore/types';
import { countProjected } from '../metrics/projectionMetrics';
import type { Projection } from './projection';

export interface ProjectionRunOptions {
  pollIntervalMs?: number;
  /** Events per transaction; the projection's own batch size by default. */
  batchSize?: number;
  onError?(error: unknown): void;
  onLeadershipChange?(active: boolean): void;
  /** Told when an event append held open longer than `stallWarningMs` holds the projection back. */
  onStall?(heldBy: HeldBy): void;
  stallWarningMs?: number;
}

/**
 * Runs one projection: reads the log after its checkpoint and applies each batch in the transaction that
 * saves the checkpoint. One active runner per projection across processes (the subscription's advisory
 * lock); others wait as hot standbys.
 */
export function runProjection(pool: Pool, projection: Projection, options: ProjectionRunOptions = {}) {
  return new LogSubscription(pool, {
    subscriptionId: projection.subscriptionId,
    transactional: true,
    // Projections fold data into rows; who caused an event is the event store's to answer.
    withoutMetadata: true,
    // Only the events it folds: the shop's other events are passed over by index, many per read.
    eventTypes: projection.eventTypes,
    batchSize: options.batchSize ?? projection.batchSize,
    handleBatch: (events, client) => projection.apply(client!, events),
    onBatchDone: (events) => countProjected(projection.name, events.length),
    pollIntervalMs: options.pollIntervalMs,
    onError: options.onError,
    onLeadershipChange: options.onLeadershipChange,
    onStall: options.onStall,
    stallWarningMs: options.stallWarningMs,
  });
}

/** Where the projection has read up to, in read order. */
export function projectionPosition(db: Queryable, projection: Projection): Promise<LogPosition> {
  return loadCheckpoint(db, projection.subscriptionId);
}

/**
 * Empties the projection's tables and moves its checkpoint to the start of the log, in one transaction;
 * a running projection then rebuilds it from position 0. Waits for a batch in flight (it holds the
 * checkpoint row), so the two never interleave.
 */
export function resetProjection(pool: Pool, projection: Projection): Promise<void> {
  return resetCheckpointAndTruncate(pool, projection.subscriptionId, projection.tables);
}

/** Resets the projection and replays the whole log into it here; returns how many events were read. */
export async function rebuildProjection(pool: Pool, projection: Projection): Promise<number> {
  await resetProjection(pool, projection);
  // Safe beside a running projection: each batch locks the checkpoint row, so the two take turns.
  return runProjection(pool, projection).catchUp();
}

export interface ProjectionWait {
  reached: boolean;
  /** Where the projection was when the wait ended; null before its first batch. */
  at: LogPosition | null;
  /** False when no event at the position was visible when the wait ended. */
  eventFound: boolean;
  waitedMs: number;
}

/**
 * Waits, up to `timeoutMs`, until the projection has applied the event at global position `position`
 * (a command's answer carries it): read your writes. Polls every 20 ms; a projection batch is usually
 * committed within one poll of the append.
 */
export async function waitForProjection(
  db: Queryable,
  projection: Projection,
  position: string,
  timeoutMs: number,
): Promise<ProjectionWait> {
  const started = Date.now();
  for (;;) {
    const state = await checkpointReached(db, projection.subscriptionId, position);
    const waitedMs = Date.now() - started;
    if (state.reached || waitedMs >= timeoutMs) return { ...state, waitedMs };
    await new Promise((resolve) => setTimeout(resolve, Math.min(20, timeoutMs - waitedMs)));
  }
}
