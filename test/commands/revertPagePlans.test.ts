import { randomUUID } from 'node:crypto';
import { bulkItemCommandId } from '../../engine/bulk/bulkTask';
import { planRevertPage } from '../../engine/bulk/revert/planRevertPage';
import { handleCommand } from '../../engine/commands/commandHandler';
import { shop, type DomainCommand } from '../../domain/registry';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { commandMetadata } from '../eventstore/helpers';

// What a revert page plans for items whose original change cannot simply be undone: an event declared
// irreversible fails the item with the aggregate's own reason, a change is planned as its reversal against
// the stream as the run left it, and an item the run never changed fails rather than being guessed at.
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

const send = (commandId: string, command: DomainCommand) =>
  handleCommand(database.pool, shop, { commandId, command, metadata: commandMetadata() });

const plan = (originalId: string, itemIds: string[]) =>
  planRevertPage(
    { db: database.pool, registry: shop, bulkId: randomUUID(), params: { bulkId: originalId } },
    itemIds,
  );

test('an irreversible event fails its item with the reason its aggregate gives', async () => {
  const originalId = randomUUID();
  const orderId = `o-${randomUUID()}`;
  await send(randomUUID(), {
    type: 'PlaceOrder',
    data: {
      orderId,
      customerId: 'c-1',
      lines: [{ sku: 's', quantity: 1, unitPriceCents: 100 }],
      paymentMethod: 'pm_card_ok',
      shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: 'D', country: 'GB' },
    },
  });
  await send(bulkItemCommandId(originalId, orderId), { type: 'ConfirmOrder', data: { orderId } });
  expect(await plan(originalId, [orderId])).toEqual([
    {
      itemId: orderId,
      failed:
        'OrderConfirmed at version 2 cannot be reverted: a confirmed order was paid and shipped: it is undone by a refund, not a revert',
    },
  ]);
});

test('a change is planned as its reversal, expecting the stream as the run left it; an item the run never changed fails', async () => {
  const originalId = randomUUID();
  const customerId = `c-${randomUUID()}`;
  await send(randomUUID(), {
    type: 'RegisterCustomer',
    data: { customerId, name: 'A', email: 'a@example.com' },
  });
  await send(randomUUID(), { type: 'DisableCustomer', data: { customerId, reason: 'r' } });
  // Enabled by the run: undoing it disables again, for the reason it had before.
  await send(bulkItemCommandId(originalId, customerId), { type: 'EnableCustomer', data: { customerId } });
  expect(await plan(originalId, [customerId, 'never-changed'])).toEqual([
    {
      itemId: customerId,
      command: { type: 'DisableCustomer', data: { customerId, reason: 'r' } },
      expectedVersion: 3,
    },
    {
      itemId: 'never-changed',
      failed: `bulk task ${originalId} has no change recorded for item never-changed`,
    },
  ]);
});
