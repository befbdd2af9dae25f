import { loadCheckpoint, saveCheckpoint } from '../../engine/eventstore/checkpoints';
import { readableLogHead } from '../../engine/eventstore/logHead';
import { relaySubscriptionId } from '../../engine/relay/relay';
import { orderFulfillmentWorkflowId } from '../../workflows/orderFulfillment/contract';
import { eventually, startSagaHarness, type SagaHarness } from '../harness/sagaHarness';
import { eventTypes, placeOrder, registerCustomer, sagaExists, sagaOf, stock } from '../sagas/orderScenario';

let h: SagaHarness;

beforeAll(async () => {
  h = await startSagaHarness('rescan', { settings: { dispatchDeadline: '1 minute' } });
});

afterAll(async () => {
  await h?.close();
});

async function runsOf(orderId: string): Promise<number> {
  let runs = 0;
  const query = `WorkflowId = '${orderFulfillmentWorkflowId(orderId)}'`;
  for await (const _ of h.temporal.client.workflow.list({ query })) runs++;
  return runs;
}

test('a rescan starts the sagas a skipping reader never started, and a second rescan starts nothing', async () => {
  const customerId = await registerCustomer(h);
  const sku = await stock(h, 10);
  await eventually(async () =>
    (await loadCheckpoint(h.db.pool, relaySubscriptionId)).globalPosition !== '0' ? true : undefined,
  );

  // The relay stops, orders are placed, and its checkpoint is moved past them without delivering them:
  // exactly what the text-ordered reader did to events whose transaction ids had one digit fewer.
  await h.relay.stop();
  const from = (await readableLogHead(h.db.pool))!.globalPosition;
  const skipped: string[] = [];
  for (let i = 0; i < 3; i++) {
    skipped.push(await placeOrder(h, { customerId, lines: [{ sku, quantity: 1, unitPriceCents: 100 }] }));
  }
  const head = (await readableLogHead(h.db.pool))!;
  await saveCheckpoint(h.db.pool, relaySubscriptionId, head);
  h.relay.start();
  // The live relay sees nothing to do: these orders are behind its checkpoint.
  const later = await placeOrder(h, { customerId, lines: [{ sku, quantity: 1, unitPriceCents: 100 }] });
  await sagaOf(h, later).started();
  for (const orderId of skipped) expect(await sagaExists(h, orderId)).toBe(false);

  const first = await h.relay.rescan(from);
  expect(BigInt(first.upTo.globalPosition)).toBeGreaterThanOrEqual(BigInt(head.globalPosition));
  expect(first.parked).toBe(0);
  expect(first.delivered).toBeGreaterThanOrEqual(skipped.length);
  for (const orderId of skipped) {
    expect((await sagaOf(h, orderId).started()).status.name).toBe('RUNNING');
    expect(await runsOf(orderId)).toBe(1);
  }

  // Run twice (an operator unsure whether the first finished): the same sagas, one run each.
  const second = await h.relay.rescan(from);
  expect(second.events).toBeGreaterThanOrEqual(first.events);
  expect(second.parked).toBe(0);
  for (const orderId of [...skipped, later]) expect(await runsOf(orderId)).toBe(1);
  // Each order reserved its stock once: no saga ran twice.
  await eventually(async () =>
    (await Promise.all(skipped.map((id) => sagaOf(h, id).step()))).every(
      (step) => step === 'awaiting dispatch',
    )
      ? true
      : undefined,
  );
  expect(await eventTypes(h, `inventory-${sku}`)).toEqual([
    'StockReceived',
    ...Array(4).fill('StockReserved'),
  ]);
  for (const orderId of [...skipped, later]) await sagaOf(h, orderId).handle.cancel();
});

test('a rescan from a position past the checkpoint delivers nothing', async () => {
  const checkpoint = await loadCheckpoint(h.db.pool, relaySubscriptionId);
  const report = await h.relay.rescan((BigInt(checkpoint.globalPosition) + 1n).toString());
  expect(report).toMatchObject({ events: 0, delivered: 0, alreadyFinished: 0, parked: 0 });
});
