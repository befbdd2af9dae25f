import { randomUUID } from 'node:crypto';
import { appendToStream } from '../../engine/eventstore/append';
import { loadCheckpoint } from '../../engine/eventstore/checkpoints';
import { readLogBelowHorizon } from '../../engine/eventstore/readLog';
import { LogSubscription } from '../../engine/eventstore/subscription';
import { inTransaction } from '../../engine/eventstore/transaction';
import {
  comparePositions,
  logStart,
  positionOf,
  type LogPosition,
  type StoredEvent,
} from '../../engine/eventstore/types';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { beginOn, finish, newEvent, waitFor } from './helpers';

// A reader that wants a few event types (the relay: its triggers') passes over the rest by place and type,
// a scan window at a time, and moves its checkpoint past them. It must deliver every wanted event once, in
// log order, and stop below an append in flight exactly as the plain read does.

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

const ids = (events: readonly StoredEvent[]) => events.map((event) => event.eventId);

/** Appends `types` in order, a few per transaction, on streams of their own; returns them as stored. */
async function appendAll(types: readonly string[]): Promise<StoredEvent[]> {
  const stored: StoredEvent[] = [];
  for (let start = 0; start < types.length; start += 7) {
    const chunk = types.slice(start, start + 7);
    stored.push(
      ...(await inTransaction(database.pool, async (client) => {
        const appended: StoredEvent[] = [];
        for (const type of chunk)
          appended.push(...(await appendToStream(client, `typed-${randomUUID()}`, 0, [newEvent(type, {})])));
        return appended;
      })),
    );
  }
  return stored;
}

/** Reads from `after` until nothing is left, as a subscriber would; every read's result. */
async function readAll(after: LogPosition, eventTypes: string[], limit: number, scanLimit: number) {
  const reads: Array<{ events: StoredEvent[]; through: LogPosition }> = [];
  for (let at = after; ;) {
    const read = await readLogBelowHorizon(database.pool, at, limit, { eventTypes, scanLimit });
    if (!read.readThrough) return reads;
    expect(comparePositions(read.readThrough, at)).toBeGreaterThan(0);
    reads.push({ events: read.events, through: read.readThrough });
    at = read.readThrough;
  }
}

test('the wanted types only, in log order, each once, through scan windows of the others and full batches', async () => {
  const wanted = `Wanted${randomUUID().slice(0, 6)}`;
  // Long runs of others (several scan windows' worth), then a dense run of wanted ones (several batches).
  const types = [
    ...Array.from({ length: 90 }, (_, i) => (i % 31 === 30 ? wanted : 'Other')),
    ...Array.from({ length: 23 }, () => wanted),
    ...Array.from({ length: 40 }, () => 'Other'),
  ];
  const stored = await appendAll(types);
  const before = positionOf(await firstBefore(stored[0]!));
  await waitFor(
    'the appended events to be below the horizon',
    async () => (await readLogBelowHorizon(database.pool, before, 1_000)).events.length,
    (count) => count >= stored.length,
  );

  const reads = await readAll(before, [wanted], 5, 20);
  const delivered = reads.flatMap((read) => read.events);
  expect(ids(delivered)).toEqual(ids(stored.filter((event) => event.type === wanted)));
  expect(reads.every((read) => read.events.length <= 5)).toBe(true);
  // A read full of wanted events stops at its last one; one of others goes through its whole window.
  for (const read of reads)
    if (read.events.length === 5) expect(read.through).toEqual(positionOf(read.events.at(-1)!));
  expect(reads.some((read) => read.events.length === 0)).toBe(true);
  expect(reads.at(-1)!.through).toEqual(positionOf(stored.at(-1)!));
});

/** The event just before `event` in the log (or the start), so a read from it begins at `event`. */
async function firstBefore(
  event: StoredEvent,
): Promise<Pick<StoredEvent, 'transactionId' | 'globalPosition'>> {
  const result = await database.pool.query<{ transaction_id: string; global_position: string }>(
    `select transaction_id::text, global_position::text from events
     where (transaction_id, global_position) < ($1::xid8, $2::bigint)
     order by transaction_id desc, global_position desc limit 1`,
    [event.transactionId, event.globalPosition],
  );
  const row = result.rows[0];
  return row ? { transactionId: row.transaction_id, globalPosition: row.global_position } : logStart;
}

test('it stops below an append in flight, as the plain read does, and then delivers it', async () => {
  const wanted = `Wanted${randomUUID().slice(0, 6)}`;
  const [anchor] = await appendAll(['Other']);
  const start = positionOf(anchor!);
  const held = await beginOn(database.pool);
  try {
    const [a] = await appendToStream(held, `typed-${randomUUID()}`, 0, [newEvent(wanted, {})]);
    const [b, c] = await appendAll([wanted, 'Other']);
    const whileHeld = await readLogBelowHorizon(database.pool, start, 10, { eventTypes: [wanted] });
    expect(whileHeld.events).toEqual([]);
    expect(whileHeld.readThrough).toBeUndefined();
    await held.query('commit');
    const reads = await waitFor(
      'the held append to commit and be read',
      () => readAll(start, [wanted], 10, 100),
      (found) => found.flatMap((read) => read.events).length >= 2,
    );
    expect(ids(reads.flatMap((read) => read.events))).toEqual([a!.eventId, b!.eventId]);
    expect(reads.at(-1)!.through).toEqual(positionOf(c!));
  } finally {
    await finish(held);
  }
});

test('a subscription of some types hands over only those and checkpoints past the others', async () => {
  const wanted = `Wanted${randomUUID().slice(0, 6)}`;
  const stored = await appendAll(['Other', wanted, 'Other', 'Other', wanted, 'Other']);
  const handled: StoredEvent[] = [];
  const subscriptionId = `test:typed-${randomUUID()}`;
  const subscription = new LogSubscription(database.pool, {
    subscriptionId,
    transactional: false,
    eventTypes: [wanted],
    batchSize: 1,
    handleBatch: async (events) => {
      handled.push(...events);
    },
  });
  await waitFor(
    'the subscription to pass the last event',
    async () => (await subscription.catchUp(), loadCheckpoint(database.pool, subscriptionId)),
    (checkpoint) => comparePositions(checkpoint, positionOf(stored.at(-1)!)) >= 0,
  );
  expect(ids(handled)).toEqual(ids(stored.filter((event) => event.type === wanted)));
});
