import { randomUUID } from 'node:crypto';
import { handleCommand } from '../../engine/commands/commandHandler';
import { IdempotencyKeyReusedError } from '../../engine/commands/commandEnvelope';
import { readStream } from '../../engine/eventstore/readStream';
import type { Queryable } from '../../engine/eventstore/types';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { countEvents, envelope } from './helpers';
import { shop } from '../../domain/registry';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

async function processedCommand(db: Queryable, commandId: string) {
  const result = await db.query<{ stream_id: string; command_type: string; result: unknown }>(
    'select stream_id, command_type, result from processed_commands where command_id = $1',
    [commandId],
  );
  return result.rows[0];
}

const registerCustomer = (customerId: string) =>
  ({
    type: 'RegisterCustomer',
    data: { customerId, name: `Name of ${customerId}`, email: `${customerId}@example.test` },
  }) as const;

test('the same command id twice: the repeat returns the first result and appends nothing', async () => {
  const { pool } = database;
  const customerId = randomUUID();
  const command = envelope(registerCustomer(customerId));

  const first = await handleCommand(pool, shop, command);
  expect(first).toMatchObject({ streamId: `customer-${customerId}`, version: 1, changed: true });
  expect(first.duplicate).toBe(false);
  expect(first.eventIds).toHaveLength(1);

  // Redelivered (a retried activity, a resent HTTP request) with fresh metadata: still the same command.
  const repeat = await handleCommand(pool, shop, {
    ...command,
    metadata: { ...command.metadata, actor: 'retry' },
  });
  expect(repeat).toEqual({ ...first, duplicate: true });
  expect(await countEvents(pool, first.streamId)).toBe(1);

  // Without the idempotency key the same request is a new command, which the decider rejects.
  await expect(handleCommand(pool, shop, envelope(registerCustomer(customerId)))).rejects.toMatchObject({
    code: 'CustomerAlreadyRegistered',
  });
  expect(await countEvents(pool, first.streamId)).toBe(1);
});

test('the same command id delivered concurrently appends exactly once', async () => {
  const { pool } = database;
  const sku = `sku-${randomUUID()}`;
  const command = envelope({ type: 'ReceiveStock', data: { sku, quantity: 4 } });

  const results = await Promise.all(Array.from({ length: 5 }, () => handleCommand(pool, shop, command)));

  const stored = await readStream(pool, `inventory-${sku}`);
  expect(stored).toHaveLength(1);
  expect(stored[0]!.metadata.commandId).toBe(command.commandId);
  expect(results.filter((result) => !result.duplicate)).toHaveLength(1);
  expect(results.filter((result) => result.duplicate)).toHaveLength(4);
  for (const result of results) {
    expect(result).toMatchObject({ version: 1, changed: true, eventIds: [stored[0]!.eventId] });
  }
});

test('one command id reused for a different command is refused and appends nothing', async () => {
  const { pool } = database;
  const sku = `sku-${randomUUID()}`;
  const commandId = randomUUID();
  await handleCommand(
    pool,
    shop,
    envelope({ type: 'ReceiveStock', data: { sku, quantity: 4 } }, { commandId }),
  );

  const reused = handleCommand(
    pool,
    shop,
    envelope({ type: 'ReceiveStock', data: { sku, quantity: 5 } }, { commandId }),
  );
  await expect(reused).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
  await expect(reused).rejects.toMatchObject({ commandId });

  // Even aimed at another stream.
  await expect(
    handleCommand(pool, shop, envelope(registerCustomer(randomUUID()), { commandId })),
  ).rejects.toBeInstanceOf(IdempotencyKeyReusedError);

  // The same request with its fields in another order is the same command, not a reuse.
  const reordered = await handleCommand(
    pool,
    shop,
    envelope({ type: 'ReceiveStock', data: { quantity: 4, sku } }, { commandId }),
  );
  expect(reordered).toMatchObject({ duplicate: true, version: 1 });

  const stored = await readStream(pool, `inventory-${sku}`);
  expect(stored.map((event) => event.data)).toEqual([{ sku, quantity: 4 }]);
});

test('a command that decides no events returns changed:false and is recorded', async () => {
  const { pool } = database;
  const customerId = randomUUID();
  const streamId = `customer-${customerId}`;
  await handleCommand(pool, shop, envelope(registerCustomer(customerId)));
  const disabled = await handleCommand(
    pool,
    shop,
    envelope({ type: 'DisableCustomer', data: { customerId, reason: 'fraud' } }),
  );
  expect(disabled).toMatchObject({ version: 2, changed: true });

  const again = envelope({ type: 'DisableCustomer', data: { customerId, reason: 'fraud' } });
  const noop = await handleCommand(pool, shop, again);
  // Already in effect: the position is that of the event that made it so.
  expect(noop).toEqual({
    streamId,
    version: 2,
    changed: false,
    eventIds: [],
    position: disabled.position,
    duplicate: false,
  });
  expect(await countEvents(pool, streamId)).toBe(2);

  expect(await processedCommand(pool, again.commandId)).toEqual({
    stream_id: streamId,
    command_type: 'DisableCustomer',
    result: { streamId, version: 2, changed: false, eventIds: [], position: disabled.position },
  });
  // Its repeat is answered from the record, even after the stream has moved on.
  await handleCommand(pool, shop, envelope({ type: 'EnableCustomer', data: { customerId } }));
  expect(await handleCommand(pool, shop, again)).toEqual({ ...noop, duplicate: true });
});

test('every appended event carries its metadata', async () => {
  const { pool } = database;
  const customerId = randomUUID();
  const streamId = `customer-${customerId}`;
  const fromHttp = envelope(registerCustomer(customerId), {
    metadata: { actor: 'user:alice', correlationId: 'corr-1', causationId: 'http-request-1' },
  });
  const fromSaga = envelope(
    { type: 'DisableCustomer', data: { customerId, reason: 'bulk' } },
    {
      metadata: {
        actor: 'saga:bulk',
        correlationId: 'corr-2',
        causationId: 'event-xyz',
        workflowId: 'bulk-1',
        runId: 'run-1',
      },
    },
  );
  const registered = await handleCommand(pool, shop, fromHttp);
  const disabled = await handleCommand(pool, shop, fromSaga);

  const [first, second] = await readStream(pool, streamId);
  expect(first!.metadata).toEqual({
    eventId: first!.eventId,
    commandId: fromHttp.commandId,
    commandType: 'RegisterCustomer',
    correlationId: 'corr-1',
    causationId: 'http-request-1',
    actor: 'user:alice',
  });
  expect(second!.metadata).toEqual({
    eventId: second!.eventId,
    commandId: fromSaga.commandId,
    commandType: 'DisableCustomer',
    correlationId: 'corr-2',
    causationId: 'event-xyz',
    actor: 'saga:bulk',
    workflowId: 'bulk-1',
    runId: 'run-1',
  });
  expect(registered.eventIds).toEqual([first!.eventId]);
  expect(disabled.eventIds).toEqual([second!.eventId]);
});
