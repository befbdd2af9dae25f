import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { appendToStream } from '../../engine/eventstore/append';
import { takeAppendLock } from '../../engine/eventstore/appendLock';
import { openPool } from '../../engine/eventstore/database';
import { LogSubscription } from '../../engine/eventstore/subscription';
import { inTransaction } from '../../engine/eventstore/transaction';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { beginOn, finish, newEvent, waitFor } from './helpers';

// An event hidden behind an older append in flight is read once that append ends, even when the append
// ends (with nothing to NOTIFY: it appended nothing) just after the subscriber's empty read and before it
// decides how long to sleep. A subscriber that decided by a second look at the horizon saw no hold there,
// slept its whole poll interval (60 s here) and failed this hunt within a few dozen rounds.
const rounds = Number(process.env.SUBSCRIPTION_WAKE_ROUNDS ?? 60);

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

test.each([
  ['non-transactional', false],
  ['transactional', true],
])(
  `(%s) an event behind an append that ends at any moment is read without waiting out the poll (${rounds} rounds)`,
  async (_label, transactional) => {
    const pool = await openPool(database.url, { max: 4 });
    const received = new Set<string>();
    const subscription = new LogSubscription(pool, {
      subscriptionId: `test:wake-race-${transactional}`,
      transactional,
      pollIntervalMs: 60_000,
      handleBatch: async (events) => {
        for (const event of events) received.add(event.eventId);
      },
    });
    subscription.start();
    try {
      for (let round = 0; round < rounds; round++) {
        const older = await beginOn(database.pool);
        try {
          await older.query(takeAppendLock);
          await older.query('select pg_current_xact_id()');
          const [hidden] = await inTransaction(database.pool, (client) =>
            appendToStream(client, `race-${randomUUID()}`, 0, [newEvent('Hidden', {})]),
          );
          // End the older append around the moment the woken subscriber's empty read returns.
          await delay(Math.random() * 6);
          await older.query('commit');
          await waitFor(
            `round ${round}: the event once hidden behind the older append`,
            () => received.has(hidden!.eventId),
            (done) => done,
            10_000,
          );
        } finally {
          await finish(older);
        }
      }
    } finally {
      await subscription.stop();
      await pool.end();
    }
  },
);
