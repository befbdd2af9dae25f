import { orderRefundWorkflowId, type OrderRefundResult } from '../../workflows/orderRefund/contract';
import { recordHistory } from '../harness/histories';
import { eventually, startSagaHarness, type SagaHarness } from '../harness/sagaHarness';
import { eventTypes, placeOrder, registerCustomer, sagaOf, stateOf, stock } from './orderScenario';

// The refund saga on a real database and dev server: a confirmed order's units go back to stock, its
// payment is refunded and OrderRefunded recorded; a refund the provider refuses is compensated.
let h: SagaHarness;

beforeAll(async () => {
  h = await startSagaHarness('order-refund', { settings: { dispatchDeadline: '1 minute' } });
});

afterAll(async () => {
  await h?.close();
});

/** An order taken through its fulfillment saga to confirmed. */
async function confirmedOrder(paymentMethod = 'pm_card_ok') {
  const customerId = await registerCustomer(h);
  const [skuA, skuB] = [await stock(h, 10), await stock(h, 5)];
  const orderId = await placeOrder(h, {
    customerId,
    paymentMethod,
    lines: [
      { sku: skuA, quantity: 3, unitPriceCents: 1000 },
      { sku: skuB, quantity: 1, unitPriceCents: 500 },
    ],
  });
  const fulfillment = sagaOf(h, orderId);
  await fulfillment.started();
  await eventually(async () => ((await fulfillment.step()) === 'awaiting dispatch' ? true : undefined));
  await h.send({ type: 'DispatchShipment', data: { orderId } });
  expect(await fulfillment.result()).toMatchObject({ outcome: 'confirmed' });
  return { orderId, skuA, skuB };
}

async function refundResult(orderId: string): Promise<OrderRefundResult> {
  const handle = h.temporal.client.workflow.getHandle(orderRefundWorkflowId(orderId));
  await eventually(() => handle.describe(), 30_000, `refund saga of ${orderId}`);
  return handle.result();
}

test('a confirmed order refunded: stock back, payment refunded, OrderRefunded with the amount', async () => {
  const { orderId, skuA, skuB } = await confirmedOrder();
  await h.send({ type: 'RefundOrder', data: { orderId, reason: 'arrived broken' } });

  expect(await refundResult(orderId)).toEqual({ orderId, outcome: 'refunded' });
  expect(await eventTypes(h, `payment-${orderId}`)).toEqual([
    'PaymentAuthorized',
    'PaymentCaptured',
    'PaymentRefunded',
  ]);
  expect(await stateOf(h, `inventory-${skuA}`)).toMatchObject({ onHand: 10, returns: { [orderId]: 3 } });
  expect(await stateOf(h, `inventory-${skuB}`)).toMatchObject({ onHand: 5, returns: { [orderId]: 1 } });
  expect(await eventTypes(h, `order-${orderId}`)).toEqual([
    'OrderPlaced',
    'OrderConfirmed',
    'OrderRefundRequested',
    'OrderRefunded',
  ]);
  expect(await stateOf(h, `order-${orderId}`)).toMatchObject({
    status: 'refunded',
    refundReason: 'arrived broken',
  });
  await recordHistory(
    h.temporal.client.workflow.getHandle(orderRefundWorkflowId(orderId)),
    'orderRefund-refunded',
  );
});

test('a refund the provider refuses takes the returned stock back out, newest first, and keeps the order confirmed', async () => {
  const { orderId, skuA, skuB } = await confirmedOrder('pm_card_no_refunds');
  await h.send({ type: 'RefundOrder', data: { orderId, reason: 'changed my mind' } });

  expect(await refundResult(orderId)).toEqual({
    orderId,
    outcome: 'abandoned',
    reason: 'RefundRefused: The provider refused the refund',
  });
  expect(await eventTypes(h, `payment-${orderId}`)).toEqual(['PaymentAuthorized', 'PaymentCaptured']);
  for (const [sku, onHand] of [
    [skuA, 7],
    [skuB, 4],
  ] as const) {
    expect(await eventTypes(h, `inventory-${sku}`)).toEqual([
      'StockReceived',
      'StockReserved',
      'StockShipped',
      'StockReturned',
      'StockReturnUndone',
    ]);
    expect(await stateOf(h, `inventory-${sku}`)).toMatchObject({ onHand, returns: {} });
  }
  const undone = await h.db.pool.query<{ sku: string }>(
    `select data ->> 'sku' as sku from events where event_type = 'StockReturnUndone' and data ->> 'orderId' = $1
      order by global_position`,
    [orderId],
  );
  expect(undone.rows.map((row) => row.sku)).toEqual([skuB, skuA]);
  expect(await stateOf(h, `order-${orderId}`)).toMatchObject({ status: 'confirmed' });
  expect((await eventTypes(h, `order-${orderId}`)).at(-1)).toBe('OrderRefundAbandoned');
  await recordHistory(
    h.temporal.client.workflow.getHandle(orderRefundWorkflowId(orderId)),
    'orderRefund-abandoned',
  );

  // Abandoned, the refund may be asked for again: a new run starts and meets the same refusal.
  await h.send({ type: 'RefundOrder', data: { orderId, reason: 'asked again' } });
  await eventually(async () =>
    (await eventTypes(h, `order-${orderId}`)).filter((type) => type === 'OrderRefundAbandoned').length === 2
      ? true
      : undefined,
  );
});
