import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { fold } from '../../engine/aggregate/decider';
import {
  availability,
  inventoryAggregate,
  type InventoryEvent,
  type InventoryState,
} from '../../domain/inventory/inventory';
import type { DomainCommand } from '../../domain/registry';
import { handleCommand } from '../../engine/commands/commandHandler';
import { readStream, type ReadStreamOptions } from '../../engine/eventstore/readStream';
import type { StoredEvent } from '../../engine/eventstore/types';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { envelope } from './helpers';
import { shop } from '../../domain/registry';

let database: TestDatabase;
let sku: string;
let streamId: string;
let history: StoredEvent[];

beforeAll(async () => {
  database = await createTestDatabase();
  sku = `sku-${randomUUID()}`;
  streamId = `inventory-${sku}`;
  const commands: DomainCommand[] = [
    { type: 'ReceiveStock', data: { sku, quantity: 10 } },
    { type: 'ReserveStock', data: { sku, orderId: 'order-1', quantity: 3 } },
    { type: 'ReceiveStock', data: { sku, quantity: 5 } },
    { type: 'ReleaseStock', data: { sku, orderId: 'order-1' } },
  ];
  for (const command of commands) {
    await handleCommand(database.pool, shop, envelope(command));
    // Keeps each event's recorded time in a millisecond of its own (JavaScript dates have no finer grain).
    await delay(5);
  }
  history = await readStream(database.pool, streamId);
});

afterAll(async () => {
  await database?.drop();
});

async function stateAt(options: ReadStreamOptions): Promise<{ versions: number[]; state: InventoryState }> {
  const events = await readStream(database.pool, streamId, options);
  return {
    versions: events.map((event) => event.streamVersion),
    state: fold(inventoryAggregate, events as unknown as InventoryEvent[]),
  };
}

test('the whole stream folds to the current state', async () => {
  expect(history.map((event) => event.type)).toEqual([
    'StockReceived',
    'StockReserved',
    'StockReceived',
    'StockReleased',
  ]);
  const { state } = await stateAt({});
  expect(availability(state)).toEqual({ sku, onHand: 15, reserved: 0, available: 15 });
});

test('up to a version: the prefix, folded to the state as it was then', async () => {
  const afterTwo = await stateAt({ upToVersion: 2 });
  expect(afterTwo.versions).toEqual([1, 2]);
  expect(afterTwo.state.reservations).toEqual({ 'order-1': 3 });
  expect(availability(afterTwo.state)).toEqual({ sku, onHand: 10, reserved: 3, available: 7 });

  const afterThree = await stateAt({ upToVersion: 3 });
  expect(availability(afterThree.state)).toEqual({ sku, onHand: 15, reserved: 3, available: 12 });

  expect((await stateAt({ upToVersion: 0 })).versions).toEqual([]);
  expect((await stateAt({ upToVersion: 99 })).versions).toEqual([1, 2, 3, 4]);
});

test('up to a time: the events recorded at or before it, folded to the state as it was then', async () => {
  const second = history[1]!;
  const atSecond = await stateAt({ upToTime: second.recordedAt });
  expect(atSecond.versions).toEqual([1, 2]);
  expect(availability(atSecond.state)).toEqual({ sku, onHand: 10, reserved: 3, available: 7 });

  const justBeforeSecond = new Date(second.recordedAt.getTime() - 1);
  expect((await stateAt({ upToTime: justBeforeSecond })).versions).toEqual([1]);

  expect((await stateAt({ upToTime: history[3]!.recordedAt })).versions).toEqual([1, 2, 3, 4]);
  expect((await stateAt({ upToTime: new Date(history[0]!.recordedAt.getTime() - 1) })).versions).toEqual([]);
});

test('version and time bounds combine', async () => {
  const { versions } = await stateAt({ upToVersion: 3, upToTime: history[1]!.recordedAt });
  expect(versions).toEqual([1, 2]);
});
