import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { appendToStream } from '../../engine/eventstore/append';
import { takeAppendLock } from '../../engine/eventstore/appendLock';
import { loadCheckpoint } from '../../engine/eventstore/checkpoints';
import { openPool } from '../../engine/eventstore/database';
import { LogSubscription, type SubscriptionOptions } from '../../engine/eventstore/subscription';
import { inTransaction } from '../../engine/eventstore/transaction';
import { positionOf, type StoredEvent } from '../../engine/eventstore/types';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { beginOn, finish, newEvent, waitFor } from './helpers';

let database: TestDatabase;
const pools: Pool[] = [];
const subscriptions: LogSubscription[] = [];

// A database per test: each subscription reads the whole log from the start.
beforeEach(async () => {
  database = await createTestDatabase();
});

afterEach(async () => {
  await Promise.all(subscriptions.splice(0).map((subscription) => subscription.stop()));
  await Promise.all(pools.splice(0).map((pool) => pool.end()));
  await database?.drop();
});

/** A pool of its own, as another process would have, with its connection traffic observable. */
async function processPool() {
  const pool = await openPool(database.url, { max: 4 });
  pools.push(pool);
  const activity = {
    acquisitions: 0,
    releases: 0,
    lastActivity: Date.now(),
    errorListenersAtAcquire: [] as number[],
  };
  pool.on('acquire', (client: PoolClient) => {
    activity.acquisitions += 1;
    activity.lastActivity = Date.now();
    activity.errorListenersAtAcquire.push(client.listenerCount('error'));
  });
  pool.on('release', () => {
    activity.releases += 1;
    activity.lastActivity = Date.now();
  });
  /** Waits (bounded) until the pool has been idle a moment: the subscription is asleep. */
  const quiet = () =>
    waitFor(
      'the subscription to go to sleep',
      () => Date.now() - activity.lastActivity,
      (idleMs) => idleMs >= 250,
    );
  return { pool, activity, quiet };
}

function subscribe(pool: Pool, options: SubscriptionOptions): LogSubscription {
  const subscription = new LogSubscription(pool, options);
  subscriptions.push(subscription);
  subscription.start();
  return subscription;
}

async function append(type: string, data: unknown = {}): Promise<StoredEvent> {
  const [event] = await inTransaction(database.pool, (client) =>
    appendToStream(client, `sub-${randomUUID()}`, 0, [newEvent(type, data)]),
  );
  return event!;
}

const ids = (events: readonly Pick<StoredEvent, 'eventId'>[]) => events.map((event) => event.eventId);

test('NOTIFY wakes a subscriber long before its next poll', async () => {
  const { pool, quiet } = await processPool();
  const received: StoredEvent[] = [];
  const subscriptionId = 'test:notify';
  const subscription = subscribe(pool, {
    subscriptionId,
    transactional: false,
    pollIntervalMs: 60_000,
    handleBatch: async (events) => {
      received.push(...events);
    },
  });
  const seed = await append('Seed');
  await waitFor(
    'the seed event',
    () => received.length,
    (count) => count >= 1,
  );
  await quiet();
  expect(subscription.isActive).toBe(true);

  const woken = await append('Woken');
  // Far below the 60 s poll: only the notification can have delivered it.
  await waitFor(
    'the notified event',
    () => received.length,
    (count) => count >= 2,
  );
  expect(ids(received)).toEqual([seed.eventId, woken.eventId]);
  expect(await loadCheckpoint(database.pool, subscriptionId)).toEqual(positionOf(woken));
});

test('a wake-up for an event still hidden behind an older open transaction is not lost', async () => {
  const { pool, activity, quiet } = await processPool();
  const received: StoredEvent[] = [];
  subscribe(pool, {
    subscriptionId: 'test:notify-hidden',
    transactional: false,
    pollIntervalMs: 60_000,
    handleBatch: async (events) => {
      received.push(...events);
    },
  });
  await quiet();

  // An append in flight with a transaction id older than the next append's keeps that event unreadable
  // when its notification arrives.
  const older = await beginOn(database.pool);
  try {
    await older.query(takeAppendLock);
    await older.query('select pg_current_xact_id()');
    const queriesBefore = activity.releases;
    const hidden = await append('Hidden');
    // The notification woke the subscriber and it read (checkpoint, then the log) while the event was
    // still hidden.
    await waitFor(
      'the woken subscriber to finish a read',
      () => activity.releases,
      (count) => count >= queriesBefore + 2,
    );
    expect(received).toEqual([]);
    await older.query('commit');

    // Readable now; a subscriber that spent its wake-up on the empty read would wait out the 60 s poll.
    await waitFor(
      'the once-hidden event',
      () => received.length,
      (count) => count >= 1,
    );
    expect(ids(received)).toEqual([hidden.eventId]);
  } finally {
    await finish(older);
  }
});

describe.each([
  ['transactional', true],
  ['non-transactional', false],
])('hot standby (%s)', (_label, transactional) => {
  test('one reader is active; the standby takes over from the checkpoint, nothing twice, nothing missed', async () => {
    const subscriptionId = `test:standby-${transactional}`;
    const handled: Array<{ by: string; eventId: string }> = [];
    const leadership: string[] = [];
    let activeCount = 0;
    let mostActiveAtOnce = 0;
    const processes = new Map<
      string,
      { subscription: LogSubscription; pool: Pool; acquisitions(): number }
    >();
    for (const name of ['first', 'second']) {
      const { pool, activity } = await processPool();
      const subscription = subscribe(pool, {
        subscriptionId,
        transactional,
        pollIntervalMs: 20,
        batchSize: 3,
        handleBatch: async (events) => {
          for (const event of events) handled.push({ by: name, eventId: event.eventId });
        },
        onLeadershipChange: (active) => {
          activeCount += active ? 1 : -1;
          mostActiveAtOnce = Math.max(mostActiveAtOnce, activeCount);
          leadership.push(`${name}:${active ? 'active' : 'standby'}`);
        },
      });
      processes.set(name, { subscription, pool, acquisitions: () => activity.acquisitions });
    }

    const before: StoredEvent[] = [];
    for (let index = 0; index < 5; index++) before.push(await append('Before', { index }));
    const leaderName = await waitFor(
      'a leader',
      () => [...processes].find(([, process]) => process.subscription.isActive)?.[0],
      (name) => name !== undefined,
    );
    const standbyName = leaderName === 'first' ? 'second' : 'first';
    const leader = processes.get(leaderName!)!;
    const standby = processes.get(standbyName)!;
    await waitFor(
      'the backlog',
      () => handled.length,
      (count) => count >= 5,
    );

    // The standby keeps trying the lock and keeps failing.
    const triesSoFar = standby.acquisitions();
    await waitFor('the standby to retry the lock', standby.acquisitions, (count) => count >= triesSoFar + 5);
    expect(standby.subscription.isActive).toBe(false);
    expect(leadership).toEqual([`${leaderName}:active`]);

    const during: StoredEvent[] = [];
    for (let index = 0; index < 4; index++) during.push(await append('During', { index }));
    await waitFor(
      'the live events',
      () => handled.length,
      (count) => count >= 9,
    );

    // Hand over while events keep arriving.
    const stopping = leader.subscription.stop();
    const after: StoredEvent[] = [];
    for (let index = 0; index < 5; index++) after.push(await append('After', { index }));
    await stopping;
    await waitFor('the standby to take over', () => standby.subscription.isActive, Boolean);
    await waitFor(
      'every event',
      () => handled.length,
      (count) => count >= 14,
    );
    for (let index = 0; index < 2; index++) after.push(await append('After', { index: 5 + index }));
    await waitFor(
      'the events after the handover',
      () => handled.length,
      (count) => count >= 16,
    );

    const all = [...before, ...during, ...after];
    expect(handled.map((entry) => entry.eventId)).toEqual(ids(all));
    expect(new Set(handled.map((entry) => entry.eventId)).size).toBe(all.length);
    // The leader handled a prefix of the log and the standby exactly the rest.
    const firstByStandby = handled.findIndex((entry) => entry.by === standbyName);
    expect(firstByStandby).toBeGreaterThanOrEqual(9);
    expect(handled.slice(0, firstByStandby).every((entry) => entry.by === leaderName)).toBe(true);
    expect(handled.slice(firstByStandby).every((entry) => entry.by === standbyName)).toBe(true);
    expect(leadership).toEqual([`${leaderName}:active`, `${leaderName}:standby`, `${standbyName}:active`]);
    expect(mostActiveAtOnce).toBe(1);
    // The handler runs inside the batch's transaction: the checkpoint commits just after it returns.
    const last = positionOf(all[all.length - 1]!);
    const checkpoint = await waitFor(
      'the checkpoint after the last event',
      () => loadCheckpoint(database.pool, subscriptionId),
      (position) => position.globalPosition === last.globalPosition,
    );
    expect(checkpoint).toEqual(last);
  });
});

test('a standby polling for the lock does not pile listeners onto pooled connections', async () => {
  const leader = await processPool();
  const standby = await processPool();
  const options = (): SubscriptionOptions => ({
    subscriptionId: 'test:standby-listeners',
    transactional: false,
    pollIntervalMs: 5,
    handleBatch: async () => {},
  });
  const active = subscribe(leader.pool, options());
  await waitFor('the leader', () => active.isActive, Boolean);
  subscribe(standby.pool, options());
  await waitFor(
    '25 lock attempts',
    () => standby.activity.acquisitions,
    (count) => count >= 25,
  );

  // Each attempt borrows a pooled connection; one that comes back with an extra 'error' listener leaks
  // (and past ten pg warns of a possible EventEmitter memory leak).
  const counts = standby.activity.errorListenersAtAcquire;
  expect(Math.max(...counts)).toBe(counts[0]);
});
