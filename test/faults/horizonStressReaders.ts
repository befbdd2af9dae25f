import { setTimeout as delay } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { readLogAfter } from '../../engine/eventstore/readLog';
import { LogSubscription } from '../../engine/eventstore/subscription';
import { comparePositions, logStart, positionOf, type LogPosition } from '../../engine/eventstore/types';
import type { ReaderOutcome } from './horizonStress';

// The horizon stress's readers: plain readLogAfter loops and subscriptions that checkpoint as the relay
// and the projections do, each counting every event it reads.

export interface Reader {
  name: string;
  seen: Map<string, number>;
  position(): LogPosition;
  stop(): Promise<void>;
}

export function rawReader(pool: Pool, name: string, running: () => boolean): Reader {
  const seen = new Map<string, number>();
  let checkpoint = logStart;
  const loop = (async () => {
    while (running()) {
      const events = await readLogAfter(pool, checkpoint, 1 + Math.floor(Math.random() * 200));
      for (const event of events) seen.set(event.eventId, (seen.get(event.eventId) ?? 0) + 1);
      if (events.length > 0) checkpoint = positionOf(events.at(-1)!);
      else await delay(Math.random() * 2);
    }
  })();
  return { name, seen, position: () => checkpoint, stop: () => loop };
}

export function subscriptionReader(pool: Pool, name: string, transactional: boolean): Reader {
  const seen = new Map<string, number>();
  let checkpoint = logStart;
  const subscription = new LogSubscription(pool, {
    subscriptionId: `stress-${name}-${randomUUID()}`,
    transactional,
    batchSize: transactional ? 50 : 100,
    pollIntervalMs: 100,
    handleBatch: async () => {},
    // Counted once the checkpoint after the batch is saved: what a real handler's effects would see.
    onBatchDone: (events) => {
      for (const event of events) seen.set(event.eventId, (seen.get(event.eventId) ?? 0) + 1);
      checkpoint = positionOf(events.at(-1)!);
    },
    onError: () => {},
  });
  subscription.start();
  return { name, seen, position: () => checkpoint, stop: () => subscription.stop() };
}

/**
 * Waits until every reader is at or past the log's end. A long run leaves the slower readers far behind:
 * wait while they move, give up once one stalls (a skipped event would leave it short for good).
 */
export async function readersCaughtUp(readers: readonly Reader[], end: LogPosition): Promise<void> {
  const stallLimitMs = 30_000;
  let lastMove = Date.now();
  let lastSeen = readers.map((reader) => reader.seen.size);
  while (readers.some((reader) => comparePositions(reader.position(), end) < 0)) {
    const seen = readers.map((reader) => reader.seen.size);
    if (seen.some((count, index) => count !== lastSeen[index])) lastMove = Date.now();
    lastSeen = seen;
    if (Date.now() - lastMove > stallLimitMs) {
      const behind = readers.filter((reader) => comparePositions(reader.position(), end) < 0);
      throw new Error(
        `readers stopped short of the log's end (${end.transactionId}/${end.globalPosition}), ` +
          `reading nothing for ${stallLimitMs / 1000} s: ` +
          behind.map((reader) => `${reader.name} at ${JSON.stringify(reader.position())}`).join(', '),
      );
    }
    await delay(50);
  }
}

/** What one reader read against what the log holds: missed, doubled and phantom events. */
export function readerOutcome(reader: Reader, committed: ReadonlySet<string>): ReaderOutcome {
  return {
    name: reader.name,
    read: reader.seen.size,
    missing: [...committed].filter((id) => !reader.seen.has(id)),
    duplicates: [...reader.seen].filter(([, count]) => count > 1).map(([id]) => id),
    phantoms: [...reader.seen.keys()].filter((id) => !committed.has(id)),
  };
}
