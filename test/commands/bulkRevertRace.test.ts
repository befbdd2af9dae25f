import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { applyBulkPage } from '../../engine/bulk/applyBulkPage';
import { bulkItemCommandId } from '../../engine/bulk/bulkTask';
import { revertBulkTask } from '../../engine/bulk/revert/revertBulkTask';
import { handleCommandBatch } from '../../engine/commands/batchCommandHandler';
import { handleCommand } from '../../engine/commands/commandHandler';
import { logStart } from '../../engine/eventstore/types';
import { shop } from '../../domain/registry';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { commandMetadata } from '../eventstore/helpers';

// A revert page plans each item's reversal from the stream as the original run left it, then sends it.
// Someone may change the item between the two: here a person re-enables a customer and disables it again
// for the original's very reason, which the customer's own reversal (enable if disabled for that reason)
// cannot tell from the original. The reversal must then be refused, not applied on top of the person's
// change: every revert event sits right after the original's, or is absent and the item reported. And a
// page delivered again, after a crash or as a retry, finds its own events and appends nothing more.

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

const reason = 'sweep';
const send = (commandId: string, command: Parameters<typeof shop.streamIdFor>[0]) => ({
  commandId,
  command,
  metadata: commandMetadata({ actor: 'test:race' }),
});

/** Customers disabled by an original run: command ids as a bulk run writes them. */
async function disabledByRun(originalId: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, index) => `${randomUUID().slice(0, 8)}-${index}`);
  await handleCommandBatch(
    database.pool,
    shop,
    ids.map((customerId) =>
      send(randomUUID(), {
        type: 'RegisterCustomer',
        data: { customerId, name: customerId, email: `${customerId}@example.com` },
      }),
    ),
  );
  await handleCommandBatch(
    database.pool,
    shop,
    ids.map((customerId) =>
      send(bulkItemCommandId(originalId, customerId), {
        type: 'DisableCustomer',
        data: { customerId, reason },
      }),
    ),
  );
  return ids;
}

/** One page of the revert run `revertId` of `originalId`, over all its items, as delivery `attempt`. */
const revertPage = (originalId: string, revertId: string, attempt: number) =>
  applyBulkPage(
    database.pool,
    shop,
    revertBulkTask,
    {
      task: revertBulkTask.name,
      params: { bulkId: originalId },
      asOf: logStart,
      bulkId: revertId,
      after: null,
      upTo: null,
      limit: 1_000,
      correlationId: randomUUID(),
    },
    { attempt, heartbeat: () => {} },
  );

/** Re-enabled and disabled again by hand, for the same reason, after a random moment. */
async function meddle(customerId: string, withinMs: number): Promise<void> {
  await sleep(Math.random() * withinMs);
  for (const command of [
    { type: 'EnableCustomer' as const, data: { customerId, reason: 'by hand' } },
    { type: 'DisableCustomer' as const, data: { customerId, reason } },
  ])
    await handleCommand(database.pool, shop, send(randomUUID(), command));
}

test('a change racing a revert page is reported, never reverted over: 40 jittered rounds', async () => {
  let raced = 0;
  for (let round = 0; round < 40; round++) {
    const originalId = randomUUID();
    const revertId = randomUUID();
    const ids = await disabledByRun(originalId, 30);
    const meddled = ids.filter(() => Math.random() < 0.5);
    const [page] = await Promise.all([
      (async () => {
        await sleep(Math.random() * 10);
        return revertPage(originalId, revertId, 1);
      })(),
      ...meddled.map((customerId) => meddle(customerId, 25)),
    ]);

    expect(page.failures).toEqual([]);
    expect(page.handled).toBe(ids.length);
    expect(page.changed + page.unchanged + page.skipped!.length).toBe(ids.length);
    raced += page.skipped!.filter((skip) => skip.reason.startsWith('changed while the page ran')).length;

    const { rows } = await database.pool.query<{
      stream_id: string;
      command_id: string;
      stream_version: number;
    }>(
      `select stream_id, metadata ->> 'commandId' as command_id, stream_version from events
        where stream_id = any($1::text[]) order by stream_id, stream_version`,
      [ids.map((id) => `customer-${id}`)],
    );
    const skipped = new Set(page.skipped!.map((skip) => skip.itemId));
    for (const customerId of ids) {
      const events = rows.filter((row) => row.stream_id === `customer-${customerId}`);
      const original = events.find((row) => row.command_id === bulkItemCommandId(originalId, customerId))!;
      const reverted = events.find((row) => row.command_id === bulkItemCommandId(revertId, customerId));
      if (skipped.has(customerId)) expect(reverted).toBeUndefined();
      else expect(reverted?.stream_version).toBe(original.stream_version + 1);
    }
  }
  // The hunt met the interleaving it is about, not only changes seen before the page planned.
  expect(raced).toBeGreaterThan(0);
}, 120_000);

test('a revert page delivered again (a retry, or a new delivery after a crash) appends nothing more and answers the same', async () => {
  const originalId = randomUUID();
  const revertId = randomUUID();
  const ids = await disabledByRun(originalId, 20);
  const deliver = (attempt: number) => revertPage(originalId, revertId, attempt);
  const first = await deliver(1);
  expect(first).toMatchObject({ handled: 20, changed: 20, unchanged: 0, failures: [], skipped: [] });
  // Attempt 2 looks its command ids up; a first delivery again (a reset workflow) meets them as it writes.
  for (const attempt of [2, 1]) expect(await deliver(attempt)).toEqual(first);
  const { rows } = await database.pool.query<{ stream_id: string; n: string }>(
    `select stream_id, count(*) as n from events where metadata ->> 'commandId' like $1 group by stream_id`,
    [`bulk:${revertId}:%`],
  );
  expect(rows).toHaveLength(ids.length);
  expect(rows.every((row) => row.n === '1')).toBe(true);
});
