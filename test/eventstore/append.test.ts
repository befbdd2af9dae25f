import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { fold } from '../../engine/aggregate/decider';
import { inventoryAggregate, type InventoryEvent } from '../../domain/inventory/inventory';
import { appendToStream, ConcurrencyConflictError, streamVersion } from '../../engine/eventstore/append';
import { handleCommand } from '../../engine/commands/commandHandler';
import { readStream } from '../../engine/eventstore/readStream';
import { inTransaction } from '../../engine/eventstore/transaction';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import {
  backendPid,
  beginOn,
  countEvents,
  envelope,
  finish,
  newEvent,
  waitFor,
  waitUntilBlockedOnLock,
} from './helpers';
import { shop } from '../../domain/registry';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

const streamName = (prefix: string) => `${prefix}-${randomUUID()}`;

describe('appendToStream', () => {
  test('appends at the expected version and numbers the events after it', async () => {
    const { pool } = database;
    const streamId = streamName('test');

    const first = await inTransaction(pool, (client) =>
      appendToStream(client, streamId, 0, [newEvent('A', { n: 1 }), newEvent('B', { n: 2 })]),
    );
    expect(first.map((event) => [event.streamVersion, event.type])).toEqual([
      [1, 'A'],
      [2, 'B'],
    ]);
    expect(BigInt(first[0]!.globalPosition)).toBeLessThan(BigInt(first[1]!.globalPosition));

    const second = await inTransaction(pool, (client) =>
      appendToStream(client, streamId, 2, [newEvent('C', { n: 3 })]),
    );
    expect(second.map((event) => event.streamVersion)).toEqual([3]);

    const stored = await readStream(pool, streamId);
    expect(stored.map((event) => [event.streamVersion, event.type, event.data])).toEqual([
      [1, 'A', { n: 1 }],
      [2, 'B', { n: 2 }],
      [3, 'C', { n: 3 }],
    ]);
    expect(stored.map((event) => event.eventId)).toEqual([...first, ...second].map((event) => event.eventId));
    expect(await streamVersion(pool, streamId)).toBe(3);
  });

  test('a stale expected version is a ConcurrencyConflictError and appends nothing', async () => {
    const { pool } = database;
    const streamId = streamName('test');
    await inTransaction(pool, (client) =>
      appendToStream(client, streamId, 0, [newEvent('A', {}), newEvent('B', {})]),
    );

    for (const stale of [0, 1, 3]) {
      const attempt = inTransaction(pool, (client) =>
        appendToStream(client, streamId, stale, [newEvent('Late', {})]),
      );
      await expect(attempt).rejects.toBeInstanceOf(ConcurrencyConflictError);
      await expect(attempt).rejects.toMatchObject({ streamId, expectedVersion: stale, actualVersion: 2 });
    }
    expect(await countEvents(pool, streamId)).toBe(2);
  });

  test('two open transactions at the same expected version: the first to commit wins, the other conflicts', async () => {
    const { pool } = database;
    const streamId = streamName('test');
    const winner = await beginOn(pool);
    const loser = await beginOn(pool);
    try {
      await appendToStream(winner, streamId, 0, [newEvent('Winner', {})]);
      // The loser cannot see the uncommitted winner, so its version check passes and its insert
      // blocks on the winner's unique (stream_id, stream_version) entry.
      const losing = appendToStream(loser, streamId, 0, [newEvent('Loser', {})]);
      losing.catch(() => {});
      await waitUntilBlockedOnLock(pool, await backendPid(loser));
      await winner.query('commit');

      await expect(losing).rejects.toBeInstanceOf(ConcurrencyConflictError);
      await expect(losing).rejects.toMatchObject({ streamId, expectedVersion: 0 });
    } finally {
      await finish(winner);
      await finish(loser);
    }
    const stored = await readStream(pool, streamId);
    expect(stored.map((event) => [event.streamVersion, event.type])).toEqual([[1, 'Winner']]);
  });

  test('of several transactions racing at the same expected version exactly one commits', async () => {
    const { pool } = database;
    const streamId = streamName('test');
    const racers = 5;
    const outcomes = await Promise.allSettled(
      Array.from({ length: racers }, (_, index) =>
        inTransaction(pool, (client) => appendToStream(client, streamId, 0, [newEvent('Racer', { index })])),
      ),
    );

    const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const lost = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(racers - 1);
    for (const outcome of lost) expect(outcome.reason).toBeInstanceOf(ConcurrencyConflictError);

    const stored = await readStream(pool, streamId);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.eventId).toBe(won[0]!.value[0]!.eventId);
  });
});

describe('handleCommand under contention', () => {
  test('concurrent commands on one stream all succeed by reloading and deciding again', async () => {
    const { pool } = database;
    const sku = `sku-${randomUUID()}`;
    const quantities = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const commands = quantities.map((quantity) =>
      envelope({ type: 'ReceiveStock', data: { sku, quantity } }),
    );

    const results = await Promise.all(commands.map((command) => handleCommand(pool, shop, command)));

    expect(results.every((result) => result.changed && !result.duplicate)).toBe(true);
    expect(results.map((result) => result.version).sort((a, b) => a - b)).toEqual(
      quantities.map((_, index) => index + 1),
    );
    const history = await readStream(pool, `inventory-${sku}`);
    expect(history.map((event) => event.streamVersion)).toEqual(quantities.map((_, index) => index + 1));
    // Each command appended exactly its own event, at the version its result reports.
    for (const [index, command] of commands.entries()) {
      const own = history.filter((event) => event.metadata.commandId === command.commandId);
      expect(own).toHaveLength(1);
      expect(own[0]!.streamVersion).toBe(results[index]!.version);
      expect(own[0]!.eventId).toBe(results[index]!.eventIds[0]);
      expect(own[0]!.data).toEqual({ sku, quantity: quantities[index] });
    }
    const state = fold(inventoryAggregate, history as unknown as InventoryEvent[]);
    expect(state.onHand).toBe(quantities.reduce((sum, quantity) => sum + quantity, 0));
  });

  test('a conflict is retried against the reloaded stream', async () => {
    const { pool } = database;
    const sku = `sku-${randomUUID()}`;
    const streamId = `inventory-${sku}`;
    const other = await beginOn(pool);
    try {
      // Another writer holds version 1, uncommitted: the command decides on an empty stream and blocks.
      await appendToStream(other, streamId, 0, [newEvent('StockReceived', { sku, quantity: 7 })]);
      const command = envelope({ type: 'ReceiveStock', data: { sku, quantity: 3 } });
      const handling = handleCommand(pool, shop, command);
      handling.catch(() => {});
      await waitUntilBlockedOnLockOfAny(other);
      await other.query('commit');

      const result = await handling;
      expect(result).toMatchObject({ streamId, version: 2, changed: true, duplicate: false });
    } finally {
      await finish(other);
    }
    const history = await readStream(pool, streamId);
    expect(history.map((event) => event.streamVersion)).toEqual([1, 2]);
    expect(fold(inventoryAggregate, history as unknown as InventoryEvent[]).onHand).toBe(10);
  });

  test('when retries run out the conflict surfaces and the command is not recorded as processed', async () => {
    const { pool } = database;
    const sku = `sku-${randomUUID()}`;
    const streamId = `inventory-${sku}`;
    const command = envelope({ type: 'ReceiveStock', data: { sku, quantity: 3 } });
    const other = await beginOn(pool);
    try {
      await appendToStream(other, streamId, 0, [newEvent('StockReceived', { sku, quantity: 7 })]);
      const handling = handleCommand(pool, shop, command, { maxConflictRetries: 0 });
      handling.catch(() => {});
      await waitUntilBlockedOnLockOfAny(other);
      await other.query('commit');
      await expect(handling).rejects.toBeInstanceOf(ConcurrencyConflictError);
    } finally {
      await finish(other);
    }
    expect(await countEvents(pool, streamId)).toBe(1);
    const recorded = await pool.query('select 1 from processed_commands where command_id = $1', [
      command.commandId,
    ]);
    expect(recorded.rowCount).toBe(0);

    // So a redelivery of the same command is handled afresh, not answered with a phantom result.
    const retried = await handleCommand(pool, shop, command);
    expect(retried).toMatchObject({ version: 2, changed: true, duplicate: false });
  });

  /** Waits until some backend is blocked on a lock held by `holder`'s transaction. */
  async function waitUntilBlockedOnLockOfAny(holder: PoolClient): Promise<void> {
    const { pool } = database;
    const holderPid = await backendPid(holder);
    const blocked = await waitFor(
      `a transaction to block on backend ${holderPid}`,
      async () => {
        const result = await pool.query<{ pid: number }>(
          'select pid from pg_stat_activity where $1 = any(pg_blocking_pids(pid))',
          [holderPid],
        );
        return result.rows[0]?.pid;
      },
      (pid) => pid !== undefined,
    );
    await waitUntilBlockedOnLock(pool, blocked!);
  }
});
