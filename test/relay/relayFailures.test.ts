import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { loadCheckpoint } from '../../engine/eventstore/checkpoints';
import { handleCommand } from '../../engine/commands/commandHandler';
import { listParkedEvents, requestReplay } from '../../engine/eventstore/parkedEvents';
import { logStart } from '../../engine/eventstore/types';
import type { DomainCommand } from '../../domain/registry';
import { Relay, relaySubscriptionId } from '../../engine/relay/relay';
import { startDevServer } from '../../engine/temporal/devServer';
import { ensureSearchAttributes } from '../../engine/temporal/searchAttributeRegistry';
import { orderFulfillmentWorkflowId } from '../../workflows/orderFulfillment/contract';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { testTemporalSettings } from '../harness/temporal';
import { okAddress } from '../sagas/orderScenario';
import { shop } from '../../domain/registry';
import { shopApplication } from '../../worker/application';

let db: TestDatabase;

beforeEach(async () => {
  db = await createTestDatabase();
});

afterEach(async () => {
  await db?.drop();
});

function send(command: DomainCommand) {
  const commandId = randomUUID();
  return handleCommand(db.pool, shop, {
    commandId,
    command,
    metadata: { correlationId: 'c', causationId: commandId, actor: 'test' },
  });
}

async function placeOrder(): Promise<string> {
  const orderId = `o-${randomUUID()}`;
  await send({
    type: 'PlaceOrder',
    data: {
      orderId,
      customerId: 'c-1',
      lines: [{ sku: 's-1', quantity: 1, unitPriceCents: 100 }],
      paymentMethod: 'pm_card_ok',
      shippingAddress: okAddress,
    },
  });
  return orderId;
}

test('while Temporal is down the relay keeps its checkpoint and parks nothing; it delivers once Temporal is back', async () => {
  const dbFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'procession-relay-')), 'temporal.sqlite');
  let server = await startDevServer({ ui: false, dbFile });
  const connection = await Connection.connect({ address: server.address });
  const relay = new Relay(db.pool, new Client({ connection }), {
    taskQueue: 'nobody-polls',
    triggers: shopApplication.triggers,
    retryDelayMs: 10,
    maxAttempts: 2,
  });
  try {
    await server.stop();
    const orderId = await placeOrder();

    await expect(relay.catchUp()).rejects.toThrow();
    expect(await loadCheckpoint(db.pool, relaySubscriptionId)).toEqual(logStart);
    expect(await listParkedEvents(db.pool, { limit: 10 })).toEqual([]);

    server = await startDevServer({ ui: false, dbFile, port: Number(server.address.split(':')[1]) });
    await relay.catchUp();
    expect(BigInt((await loadCheckpoint(db.pool, relaySubscriptionId)).globalPosition)).toBeGreaterThan(0n);
    const started = await new Client({ connection }).workflow
      .getHandle(orderFulfillmentWorkflowId(orderId))
      .describe();
    expect(started.status.name).toBe('RUNNING');
    await new Client({ connection }).workflow
      .getHandle(orderFulfillmentWorkflowId(orderId))
      .terminate('test done');
  } finally {
    await connection.close();
    await server.stop();
  }
});

test('an event parked for a fixable reason is delivered by a replay once the cause is fixed', async () => {
  // A namespace without Procession's search attributes: every saga start is refused until they exist.
  const { connectionOptions } = testTemporalSettings();
  const connection = await Connection.connect(connectionOptions);
  const namespace = `procession-parked-${randomUUID().slice(0, 8)}`;
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs('1 day'),
    });
    const client = new Client({ connection, namespace });
    const relay = new Relay(db.pool, client, {
      taskQueue: 'nobody-polls',
      triggers: shopApplication.triggers,
      retryDelayMs: 10,
      maxAttempts: 2,
    });
    const orderId = await placeOrder();

    await relay.catchUp();
    // The order saga's trigger's entry: another saga started by OrderPlaced is refused (and parked) too.
    const ofOrderTrigger = async () =>
      (await listParkedEvents(db.pool, { limit: 100 })).filter(
        (entry) => entry.triggerName === 'order-placed-starts-fulfillment',
      );
    const [parked] = await ofOrderTrigger();
    expect(parked).toMatchObject({ eventType: 'OrderPlaced', status: 'parked', attempts: 2 });
    // Temporal names whichever unregistered attribute it checks first.
    expect(parked!.reason).toMatch(/search attribute (SagaType|AggregateId|CorrelationId)/);
    // The relay moved on: its checkpoint is past the parked event.
    expect(
      BigInt((await loadCheckpoint(db.pool, relaySubscriptionId)).globalPosition),
    ).toBeGreaterThanOrEqual(BigInt(parked!.globalPosition));

    await ensureSearchAttributes(connection, namespace);
    expect(await requestReplay(db.pool, parked!.eventId)).toBe(1);
    await relay.catchUp();
    const [replayed] = await ofOrderTrigger();
    expect(replayed).toMatchObject({ eventId: parked!.eventId, status: 'replayed' });
    const saga = client.workflow.getHandle(orderFulfillmentWorkflowId(orderId));
    expect((await saga.describe()).status.name).toBe('RUNNING');
    await saga.terminate('test done');
  } finally {
    await connection.close();
  }
});
