import { deleteCheckpoint } from '../../engine/eventstore/checkpoints';
import { listParkedEvents } from '../../engine/eventstore/parkedEvents';
import { readStream } from '../../engine/eventstore/readStream';
import { relaySubscriptionId } from '../../engine/relay/relay';
import { shopApplication } from '../../worker/application';
import { orderFulfillmentWorkflowId } from '../../workflows/orderFulfillment/contract';
import { eventually, startSagaHarness, type SagaHarness } from '../harness/sagaHarness';
import { eventTypes, placeOrder, registerCustomer, sagaOf, stock } from '../sagas/orderScenario';

// The relay delivers a batch side by side (8 lanes here, 40 sagas per batch); these prove that costs no
// duplicate: every saga started once and every command applied once, however often its event arrives.
let h: SagaHarness;

beforeAll(async () => {
  h = await startSagaHarness('relay-concurrent', {
    deliveryConcurrency: 8,
    batchSize: 100,
    settings: { dispatchDeadline: '1 minute' },
  });
});

afterAll(async () => {
  await h?.close();
});

async function runsOf(workflowId: string): Promise<number> {
  let runs = 0;
  for await (const _ of h.temporal.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs++;
  return runs;
}

test('40 orders in one batch, then the whole log again after a lost checkpoint: one run and one reservation each', async () => {
  const customerId = await registerCustomer(h);
  const sku = await stock(h, 100);
  await h.relay.stop();
  const orderIds: string[] = [];
  for (let index = 0; index < 40; index++)
    orderIds.push(await placeOrder(h, { customerId, lines: [{ sku, quantity: 1, unitPriceCents: 100 }] }));
  await h.relay.catchUp();
  h.relay.start();
  for (const orderId of orderIds)
    await eventually(async () =>
      (await sagaOf(h, orderId).step()) === 'awaiting dispatch' ? true : undefined,
    );

  // These orders' events: their streams' and their sagas'. Other sagas their events start may still append.
  const workflowIds = new Set(orderIds.map(orderFulfillmentWorkflowId));
  const streams = new Set([
    `inventory-${sku}`,
    ...orderIds.flatMap((id) => [`order-${id}`, `payment-${id}`]),
  ]);
  // Counted in the table, not read below the horizon: an append in flight must not move the count.
  const ownEvents = async () => {
    const { rows } = await h.db.pool.query<{ count: string }>(
      "select count(*) from events where stream_id = any($1) or metadata->>'workflowId' = any($2)",
      [[...streams], [...workflowIds]],
    );
    return Number(rows[0]!.count);
  };
  const eventsBefore = await ownEvents();
  await h.relay.stop();
  await deleteCheckpoint(h.db.pool, relaySubscriptionId);
  await h.relay.catchUp();
  h.relay.start();

  for (const orderId of orderIds) expect(await runsOf(orderFulfillmentWorkflowId(orderId))).toBe(1);
  expect(await ownEvents()).toBe(eventsBefore);
  const reserved = (await eventTypes(h, `inventory-${sku}`)).filter((type) => type === 'StockReserved');
  expect(reserved).toHaveLength(40);
  expect(await listParkedEvents(h.db.pool, { limit: 100 })).toEqual([]);
});

test('the same OrderPlaced delivered five times at once starts one saga', async () => {
  const customerId = await registerCustomer(h);
  const sku = await stock(h, 5);
  await h.relay.stop();
  const orderId = await placeOrder(h, { customerId, lines: [{ sku, quantity: 1, unitPriceCents: 100 }] });
  // From the order's own stream: the log read below the horizon may not show it yet while the first
  // test's sagas are still appending (an append in flight holds later events back).
  const [placed] = await readStream(h.db.pool, `order-${orderId}`);
  expect(placed?.type).toBe('OrderPlaced');
  // By name: other sagas may be started by OrderPlaced too.
  const trigger = shopApplication.triggers.find(
    (candidate) => candidate.name === 'order-placed-starts-fulfillment',
  );
  const outcomes = await Promise.all(Array.from({ length: 5 }, () => h.relay.deliver(placed!, trigger!)));
  expect(outcomes).toEqual(Array(5).fill('delivered'));
  h.relay.start();
  await eventually(async () =>
    (await sagaOf(h, orderId).step()) === 'awaiting dispatch' ? true : undefined,
  );
  expect(await runsOf(orderFulfillmentWorkflowId(orderId))).toBe(1);
  expect(await eventTypes(h, `inventory-${sku}`)).toEqual(['StockReceived', 'StockReserved']);
});
