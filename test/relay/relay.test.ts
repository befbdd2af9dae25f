import { deleteCheckpoint } from '../../engine/eventstore/checkpoints';
import { listIgnoredDeliveries, listParkedEvents, requestReplay } from '../../engine/eventstore/parkedEvents';
import { readStream } from '../../engine/eventstore/readStream';
import { relaySubscriptionId } from '../../engine/relay/relay';
import { shopApplication } from '../../worker/application';
import { orderFulfillmentWorkflowId } from '../../workflows/orderFulfillment/contract';
import { appendPoisonOrderPlaced } from '../harness/poisonEvent';
import { eventually, startSagaHarness, type SagaHarness } from '../harness/sagaHarness';
import { eventTypes, placeOrder, registerCustomer, sagaOf, stock } from '../sagas/orderScenario';

let h: SagaHarness;

beforeAll(async () => {
  h = await startSagaHarness('relay', { settings: { dispatchDeadline: '1 minute' } });
});

afterAll(async () => {
  await h?.close();
});

async function runsOf(workflowId: string): Promise<string[]> {
  const runs: string[] = [];
  for await (const execution of h.temporal.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    runs.push(execution.runId);
  }
  return runs;
}

/** From the stream itself: the log read below the horizon may not show it yet while sagas append. */
async function storedEvent(streamId: string, type: string) {
  const events = await readStream(h.db.pool, streamId);
  return events.find((event) => event.type === type)!;
}

test('the same OrderPlaced delivered twice while the saga runs reaches one saga', async () => {
  const customerId = await registerCustomer(h);
  const sku = await stock(h, 5);
  const orderId = await placeOrder(h, { customerId, lines: [{ sku, quantity: 1, unitPriceCents: 100 }] });
  const saga = sagaOf(h, orderId);
  const firstRun = (await saga.started()).runId;

  const placed = await storedEvent(`order-${orderId}`, 'OrderPlaced');
  // By name: other sagas may be started by OrderPlaced too.
  const trigger = shopApplication.triggers.find((t) => t.name === 'order-placed-starts-fulfillment');
  expect(await h.relay.deliver(placed, trigger!)).toBe('delivered');
  expect((await saga.handle.describe()).runId).toBe(firstRun);

  await eventually(async () => ((await saga.step()) === 'awaiting dispatch' ? true : undefined));
  await h.send({ type: 'DispatchShipment', data: { orderId } });
  // The dispatch event delivered a second time: the saga drops the event id it has seen.
  const dispatched = await eventually(
    async () => (await storedEvent(`shipment-${orderId}`, 'ShipmentDispatched')) ?? undefined,
  );
  const signalTrigger = shopApplication.triggers.find(
    (t) => t.name === 'shipment-dispatched-signals-fulfillment',
  );
  await h.relay.deliver(dispatched, signalTrigger!).catch(() => 'finished meanwhile');

  expect((await saga.result()).outcome).toBe('confirmed');
  expect(await eventTypes(h, `order-${orderId}`)).toEqual(['OrderPlaced', 'OrderConfirmed']);
  expect(await eventTypes(h, `inventory-${sku}`)).toEqual(['StockReceived', 'StockReserved', 'StockShipped']);
  expect(await runsOf(orderFulfillmentWorkflowId(orderId))).toEqual([firstRun]);
});

test('replaying the whole log after a lost checkpoint starts nothing twice and appends nothing', async () => {
  const customerId = await registerCustomer(h);
  const sku = await stock(h, 5);
  const orderId = await placeOrder(h, { customerId, lines: [{ sku, quantity: 1, unitPriceCents: 100 }] });
  const saga = sagaOf(h, orderId);
  await saga.started();
  await eventually(async () => ((await saga.step()) === 'awaiting dispatch' ? true : undefined));
  await h.send({ type: 'DispatchShipment', data: { orderId } });
  expect((await saga.result()).outcome).toBe('confirmed');
  // This order's events: its streams' and its saga's. Other sagas its events start may still be appending.
  const workflowId = orderFulfillmentWorkflowId(orderId);
  // Counted in the table, not read below the horizon: an append in flight must not move the count.
  const ownEvents = async () => {
    const { rows } = await h.db.pool.query<{ count: string }>(
      "select count(*) from events where stream_id = any($1) or metadata->>'workflowId' = $2",
      [[`order-${orderId}`, `payment-${orderId}`, `inventory-${sku}`], workflowId],
    );
    return Number(rows[0]!.count);
  };
  const eventsBefore = await ownEvents();

  // As if the relay crashed before saving its checkpoint: every event is delivered again.
  await h.relay.stop();
  await deleteCheckpoint(h.db.pool, relaySubscriptionId);
  await h.relay.catchUp();
  h.relay.start();

  expect(await runsOf(orderFulfillmentWorkflowId(orderId))).toHaveLength(1);
  expect(await ownEvents()).toBe(eventsBefore);
  const ignored = (await listIgnoredDeliveries(h.db.pool, 1000)).filter(
    (entry) => entry.workflowId === orderFulfillmentWorkflowId(orderId),
  );
  expect(ignored.map((entry) => entry.triggerName).sort()).toEqual([
    'order-placed-starts-fulfillment',
    'shipment-dispatched-signals-fulfillment',
  ]);
  expect(ignored[0]!.reason).toMatch(/already finished/);
  expect(await listParkedEvents(h.db.pool, { limit: 100 })).toEqual([]);
});

test('a poison event is parked with its error, the relay moves on, and a replay that still fails parks it again', async () => {
  // An OrderPlaced without an order id (a corrupt or legacy event) cannot start a saga.
  await appendPoisonOrderPlaced(h.db.pool);
  // A healthy order behind it is still delivered.
  const customerId = await registerCustomer(h);
  const sku = await stock(h, 5);
  const orderId = await placeOrder(h, { customerId, lines: [{ sku, quantity: 1, unitPriceCents: 100 }] });
  await sagaOf(h, orderId).started();

  // The order saga's trigger's entries: another saga started by OrderPlaced may park the event too.
  const ofOrderTrigger = async () =>
    (await listParkedEvents(h.db.pool, { limit: 100 })).filter(
      (entry) => entry.triggerName === 'order-placed-starts-fulfillment',
    );
  const parked = await eventually(async () => {
    const list = await ofOrderTrigger();
    return list.length > 0 ? list : undefined;
  });
  expect(parked).toHaveLength(1);
  expect(parked[0]).toMatchObject({
    eventType: 'OrderPlaced',
    triggerName: 'order-placed-starts-fulfillment',
    status: 'parked',
  });
  expect(parked[0]!.reason).toMatch(/has no orderId/);

  // Replaying without a fix parks it again, visibly, rather than dropping it.
  expect(await requestReplay(h.db.pool, parked[0]!.eventId)).toBe(1);
  const again = await eventually(async () => {
    const [entry] = await ofOrderTrigger();
    return entry && entry.status === 'parked' && entry.attempts > parked[0]!.attempts ? entry : undefined;
  });
  expect(again.reason).toMatch(/has no orderId/);
  await sagaOf(h, orderId).handle.cancel();
});
