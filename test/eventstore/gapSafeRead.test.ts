import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { appendToStream } from '../../engine/eventstore/append';
import { loadCheckpoint, saveCheckpoint } from '../../engine/eventstore/checkpoints';
import { readableLogHead } from '../../engine/eventstore/logHead';
import { readLogAfter } from '../../engine/eventstore/readLog';
import { LogSubscription } from '../../engine/eventstore/subscription';
import { inTransaction } from '../../engine/eventstore/transaction';
import { comparePositions, logStart, positionOf, type StoredEvent } from '../../engine/eventstore/types';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { beginOn, finish, newEvent, waitFor } from './helpers';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

/** What a reader that only tracks global_position would do: every committed event after it. */
async function naiveReadAfter(position: string): Promise<string[]> {
  const result = await database.pool.query<{ global_position: string }>(
    'select global_position from events where global_position > $1 order by global_position',
    [position],
  );
  return result.rows.map((row) => row.global_position);
}

const ids = (events: readonly StoredEvent[]) => events.map((event) => event.eventId);

test('an event that commits after later-positioned ones is never skipped', async () => {
  const { pool } = database;
  const handled: StoredEvent[] = [];
  const subscription = new LogSubscription(pool, {
    subscriptionId: 'test:gap-safe',
    transactional: false,
    handleBatch: async (events) => {
      handled.push(...events);
    },
  });

  // A takes its position first but stays uncommitted while B and C take higher ones and commit.
  const transactionA = await beginOn(pool);
  let a: StoredEvent, b: StoredEvent, c: StoredEvent;
  try {
    [a] = (await appendToStream(transactionA, `gap-${randomUUID()}`, 0, [newEvent('A', {})])) as [
      StoredEvent,
    ];
    [b] = (await inTransaction(pool, (client) =>
      appendToStream(client, `gap-${randomUUID()}`, 0, [newEvent('B', {})]),
    )) as [StoredEvent];
    [c] = (await inTransaction(pool, (client) =>
      appendToStream(client, `gap-${randomUUID()}`, 0, [newEvent('C', {})]),
    )) as [StoredEvent];
    expect(BigInt(a.globalPosition)).toBeLessThan(BigInt(b.globalPosition));
    expect(BigInt(b.globalPosition)).toBeLessThan(BigInt(c.globalPosition));

    // The naive reader sees B and C and would checkpoint at C's position...
    expect(await naiveReadAfter('0')).toEqual([b.globalPosition, c.globalPosition]);

    // ...the gap-safe reader stops below A, the oldest running transaction.
    expect(ids(await readLogAfter(pool, logStart, 100))).toEqual([]);
    expect(await readableLogHead(pool)).toBeUndefined();
    expect(await subscription.catchUp()).toBe(0);
    expect(await loadCheckpoint(pool, 'test:gap-safe')).toEqual(logStart);

    await transactionA.query('commit');
  } finally {
    await finish(transactionA);
  }

  // ...and having checkpointed at C it would never see A, which committed below it.
  expect(await naiveReadAfter(c.globalPosition)).toEqual([]);
  expect(await naiveReadAfter('0')).toEqual([a.globalPosition, b.globalPosition, c.globalPosition]);

  // Other test files' transactions on the same server may hold the horizon back for a moment: wait
  // (bounded) rather than assume.
  await waitFor(
    'A, B and C to be readable',
    async () => (await subscription.catchUp(), handled.length),
    (count) => count >= 3,
  );
  expect(ids(handled)).toEqual([a.eventId, b.eventId, c.eventId]);
  expect(ids(await readLogAfter(pool, logStart, 100))).toEqual([a.eventId, b.eventId, c.eventId]);
  expect(await loadCheckpoint(pool, 'test:gap-safe')).toEqual(positionOf(c));

  // Nothing is delivered twice.
  expect(await subscription.catchUp()).toBe(0);
  expect(ids(handled)).toEqual([a.eventId, b.eventId, c.eventId]);
});

test('a reader checkpointing while writers commit out of order sees every event exactly once', async () => {
  const { pool } = database;
  const subscriptionId = 'test:gap-safe-stress';
  const writers = 40;
  const seen: StoredEvent[] = [];
  let writing = true;

  // Writers take positions in one order and commit in a shuffled one, each holding its transaction
  // open for a random moment.
  const writing$ = Promise.all(
    Array.from({ length: writers }, async (_, index) => {
      await delay(Math.random() * 50);
      await inTransaction(pool, async (client) => {
        await appendToStream(client, `stress-${index}-${randomUUID()}`, 0, [newEvent('Stress', { index })]);
        await delay(Math.random() * 30);
      });
    }),
  ).finally(() => {
    writing = false;
  });

  const readOnce = async () => {
    const events = await readLogAfter(pool, await loadCheckpoint(pool, subscriptionId), 7);
    if (events.length === 0) return 0;
    seen.push(...events);
    await saveCheckpoint(pool, subscriptionId, positionOf(events[events.length - 1]!));
    return events.length;
  };
  while (writing) {
    await readOnce();
    await delay(2);
  }
  await writing$;
  await waitFor(
    `all ${writers} stress events to be read`,
    async () => (await readOnce(), seen.filter((event) => event.type === 'Stress').length),
    (count) => count >= writers,
  );

  const stress = seen.filter((event) => event.type === 'Stress');
  expect(new Set(ids(seen)).size).toBe(seen.length);
  expect(stress.map((event) => (event.data as { index: number }).index).sort((x, y) => x - y)).toEqual(
    Array.from({ length: writers }, (_, index) => index),
  );
  // Read order is (transaction id, position) and the reader never went backwards.
  for (let index = 1; index < seen.length; index++) {
    expect(comparePositions(positionOf(seen[index - 1]!), positionOf(seen[index]!))).toBeLessThan(0);
  }
});
