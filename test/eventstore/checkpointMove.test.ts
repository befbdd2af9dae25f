import { randomUUID } from 'node:crypto';
import { appendToStream } from '../../engine/eventstore/append';
import { loadCheckpoint, moveCheckpoint, saveCheckpoint } from '../../engine/eventstore/checkpoints';
import { LogSubscription } from '../../engine/eventstore/subscription';
import { inTransaction } from '../../engine/eventstore/transaction';
import { logStart, positionOf, type StoredEvent } from '../../engine/eventstore/types';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { beginOn, finish, newEvent, waitFor } from './helpers';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

// Past 2^53 on both halves: compared as xid8 and bigint in SQL, never as JS numbers.
const far = { transactionId: '9007199254740993', globalPosition: '9007199254740995' };
const farther = { transactionId: '9007199254740993', globalPosition: '9007199254741001' };

test('a checkpoint moves only from where its reader found it; a missing one is created only from the start', async () => {
  const pool = database.pool;
  const id = `test:move-${randomUUID()}`;

  expect(await moveCheckpoint(pool, id, far, farther)).toBe(false); // missing, and not read from the start
  expect(await loadCheckpoint(pool, id)).toEqual(logStart);

  expect(await moveCheckpoint(pool, id, logStart, far)).toBe(true);
  expect(await loadCheckpoint(pool, id)).toEqual(far);

  expect(await moveCheckpoint(pool, id, logStart, farther)).toBe(false); // someone else's read from the start
  expect(await moveCheckpoint(pool, id, { ...far, globalPosition: '9007199254740994' }, farther)).toBe(false);
  expect(await loadCheckpoint(pool, id)).toEqual(far);

  expect(await moveCheckpoint(pool, id, far, farther)).toBe(true);
  expect(await loadCheckpoint(pool, id)).toEqual(farther);

  // Reset to the start by an operator: a reader that read from the old place does not undo it.
  await saveCheckpoint(pool, id, logStart);
  expect(await moveCheckpoint(pool, id, farther, { ...farther, globalPosition: '9007199254741002' })).toBe(
    false,
  );
  expect(await loadCheckpoint(pool, id)).toEqual(logStart);
});

test('a reset that commits while a batch waits to move the checkpoint makes the reader apply from the start, nothing of the old batch', async () => {
  const id = `test:reset-race-${randomUUID()}`;
  const applied: string[] = [];
  const subscription = new LogSubscription(database.pool, {
    subscriptionId: id,
    transactional: true,
    handleBatch: async (events, client) => {
      // The batch's own write, in the checkpoint's transaction: it must never commit for a stale read.
      await client!.query('select 1');
      applied.push(...events.map((event) => event.eventId));
    },
  });
  const append = async () => {
    const [event] = await inTransaction(database.pool, (client) =>
      appendToStream(client, `move-${randomUUID()}`, 0, [newEvent('Moved', {})]),
    );
    return event!;
  };
  const first: StoredEvent[] = [await append(), await append()];
  await subscription.catchUp();
  expect(await loadCheckpoint(database.pool, id)).toEqual(positionOf(first[1]!));
  applied.length = 0;

  const later = await append();
  // The reset holds the checkpoint row: the reader reads its batch [later] and then waits on the row.
  const reset = await beginOn(database.pool);
  try {
    await reset.query(
      `update checkpoints set transaction_id = '0'::xid8, global_position = 0 where subscription_id = $1`,
      [id],
    );
    const catchingUp = subscription.catchUp();
    await waitFor(
      'the reader to wait on the checkpoint row',
      async () =>
        (
          await database.pool.query<{ count: string }>(
            `select count(*) from pg_stat_activity
             where wait_event_type = 'Lock' and query like 'update checkpoints%' and pid <> pg_backend_pid()`,
          )
        ).rows[0]!.count,
      (count) => count === '1',
    );
    await reset.query('commit');
    await catchingUp;
  } finally {
    await finish(reset);
  }
  expect(applied).toEqual([...first, later].map((event) => event.eventId));
  expect(await loadCheckpoint(database.pool, id)).toEqual(positionOf(later));
});
