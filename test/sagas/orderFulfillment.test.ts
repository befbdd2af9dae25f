import { eventually, startSagaHarness, type SagaHarness } from '../harness/sagaHarness';
import { recordHistory } from '../harness/histories';
import { eventTypes, placeOrder, registerCustomer, sagaOf, stateOf, stock } from './orderScenario';

let h: SagaHarness;

beforeAll(async () => {
  h = await startSagaHarness('order-saga', { settings: { dispatchDeadline: '1 minute' } });
});

afterAll(async () => {
  await h?.close();
});

async function dispatchWhenAwaited(orderId: string): Promise<void> {
  const saga = sagaOf(h, orderId);
  await saga.started();
  await eventually(
    async () => ((await saga.step()) === 'awaiting dispatch' ? true : undefined),
    30_000,
    'awaiting dispatch',
  );
  await h.send({ type: 'DispatchShipment', data: { orderId } });
}

test('happy path: stock reserved, payment authorized then captured, shipment dispatched, order confirmed', async () => {
  const customerId = await registerCustomer(h);
  const [skuA, skuB] = [await stock(h, 10), await stock(h, 5)];
  const orderId = await placeOrder(h, {
    customerId,
    lines: [
      { sku: skuA, quantity: 2, unitPriceCents: 1500 },
      { sku: skuB, quantity: 1, unitPriceCents: 999 },
    ],
  });
  await dispatchWhenAwaited(orderId);

  const result = await sagaOf(h, orderId).result();
  expect(result).toEqual({ orderId, outcome: 'confirmed' });
  expect(await eventTypes(h, `order-${orderId}`)).toEqual(['OrderPlaced', 'OrderConfirmed']);
  expect(await eventTypes(h, `payment-${orderId}`)).toEqual(['PaymentAuthorized', 'PaymentCaptured']);
  expect(await eventTypes(h, `shipment-${orderId}`)).toEqual(['ShipmentScheduled', 'ShipmentDispatched']);
  expect(await stateOf(h, `payment-${orderId}`)).toMatchObject({ status: 'captured', amountCents: 3999 });
  // Dispatch turned the reservations into shipped stock: on hand drops, nothing stays reserved.
  expect(await eventTypes(h, `inventory-${skuA}`)).toEqual([
    'StockReceived',
    'StockReserved',
    'StockShipped',
  ]);
  expect(await stateOf(h, `inventory-${skuA}`)).toEqual({ sku: skuA, onHand: 8, reservations: {} });
  expect(await stateOf(h, `inventory-${skuB}`)).toEqual({ sku: skuB, onHand: 4, reservations: {} });
  await recordHistory(sagaOf(h, orderId).handle, 'orderFulfillment-confirmed');
});

test('a payment captured before a later step fails is refunded', async () => {
  const customerId = await registerCustomer(h);
  const sku = await stock(h, 4);
  const orderId = await placeOrder(h, { customerId, lines: [{ sku, quantity: 1, unitPriceCents: 700 }] });
  const saga = sagaOf(h, orderId);
  await saga.started();
  await eventually(async () => ((await saga.step()) === 'awaiting dispatch' ? true : undefined));
  // Support cancels the order while the warehouse, unaware, dispatches it: confirming is then refused.
  await h.send({ type: 'CancelOrder', data: { orderId, reason: 'customer called to cancel' } });
  await h.send({ type: 'DispatchShipment', data: { orderId } });

  const result = await saga.result();
  expect(result).toEqual({
    orderId,
    outcome: 'cancelled',
    reason: `OrderAlreadyCancelled: Order ${orderId} was cancelled`,
  });
  expect(await eventTypes(h, `payment-${orderId}`)).toEqual([
    'PaymentAuthorized',
    'PaymentCaptured',
    'PaymentRefunded',
  ]);
  expect(await stateOf(h, `payment-${orderId}`)).toMatchObject({ status: 'refunded', amountCents: 700 });
  // The goods left: a dispatched shipment is not cancelled and shipped stock is not put back.
  expect(await eventTypes(h, `shipment-${orderId}`)).toEqual(['ShipmentScheduled', 'ShipmentDispatched']);
  expect(await stateOf(h, `inventory-${sku}`)).toEqual({ sku, onHand: 3, reservations: {} });
  expect((await saga.handle.query<{ compensations: string[] }>('progress')).compensations).toEqual([
    'refund-payment',
  ]);
  await recordHistory(saga.handle, 'orderFulfillment-refunded');
});

test('declined card: stock released, order cancelled with the reason, nothing captured', async () => {
  const customerId = await registerCustomer(h);
  const sku = await stock(h, 3);
  const orderId = await placeOrder(h, {
    customerId,
    lines: [{ sku, quantity: 2, unitPriceCents: 100 }],
    paymentMethod: 'pm_card_declined',
  });
  const result = await sagaOf(h, orderId).result();
  expect(result.outcome).toBe('cancelled');
  expect(result.reason).toMatch(/^CardDeclined/);
  expect(await eventTypes(h, `inventory-${sku}`)).toEqual([
    'StockReceived',
    'StockReserved',
    'StockReleased',
  ]);
  expect(await eventTypes(h, `payment-${orderId}`)).toEqual([]);
  expect(await eventTypes(h, `shipment-${orderId}`)).toEqual([]);
  expect(await stateOf(h, `order-${orderId}`)).toMatchObject({
    status: 'cancelled',
    cancelReason: result.reason,
  });
  await recordHistory(sagaOf(h, orderId).handle, 'orderFulfillment-card-declined');
});

test('out of stock on the second line: the first line is released, the order cancelled', async () => {
  const customerId = await registerCustomer(h);
  const [plenty, scarce] = [await stock(h, 10), await stock(h, 1)];
  const orderId = await placeOrder(h, {
    customerId,
    lines: [
      { sku: plenty, quantity: 4, unitPriceCents: 100 },
      { sku: scarce, quantity: 2, unitPriceCents: 100 },
    ],
  });
  const result = await sagaOf(h, orderId).result();
  expect(result.reason).toMatch(/^InsufficientStock/);
  expect(await eventTypes(h, `inventory-${plenty}`)).toEqual([
    'StockReceived',
    'StockReserved',
    'StockReleased',
  ]);
  // The undo for the failed line ran too and, as the rule says, appended nothing.
  expect(await eventTypes(h, `inventory-${scarce}`)).toEqual(['StockReceived']);
  expect(await stateOf(h, `inventory-${plenty}`)).toMatchObject({ onHand: 10, reservations: {} });
  expect(await eventTypes(h, `payment-${orderId}`)).toEqual([]);
  expect(await stateOf(h, `order-${orderId}`)).toMatchObject({ status: 'cancelled' });
});

test('unsupported country: payment voided, stock released, order cancelled', async () => {
  const customerId = await registerCustomer(h);
  const sku = await stock(h, 5);
  const orderId = await placeOrder(h, {
    customerId,
    lines: [{ sku, quantity: 1, unitPriceCents: 2500 }],
    country: 'XX',
  });
  const result = await sagaOf(h, orderId).result();
  expect(result.reason).toMatch(/^ShippingUnavailable/);
  expect(await eventTypes(h, `payment-${orderId}`)).toEqual(['PaymentAuthorized', 'PaymentVoided']);
  expect(await eventTypes(h, `inventory-${sku}`)).toEqual([
    'StockReceived',
    'StockReserved',
    'StockReleased',
  ]);
  expect(await eventTypes(h, `shipment-${orderId}`)).toEqual([]);
  expect(await stateOf(h, `order-${orderId}`)).toMatchObject({ status: 'cancelled' });
  await recordHistory(sagaOf(h, orderId).handle, 'orderFulfillment-shipping-unavailable');
});

test('flaky card: retried until it succeeds, each payment command applied exactly once', async () => {
  const customerId = await registerCustomer(h);
  const sku = await stock(h, 5);
  const orderId = await placeOrder(h, {
    customerId,
    lines: [{ sku, quantity: 1, unitPriceCents: 700 }],
    paymentMethod: 'pm_card_flaky',
  });
  await dispatchWhenAwaited(orderId);
  const result = await sagaOf(h, orderId).result();
  expect(result.outcome).toBe('confirmed');
  expect(await eventTypes(h, `payment-${orderId}`)).toEqual(['PaymentAuthorized', 'PaymentCaptured']);
  // The retries happened: the command that authorized ran three times. Commands run as local activities,
  // whose attempts are recorded in the marker each leaves in the history.
  const history = await sagaOf(h, orderId).handle.fetchHistory();
  const attempts = (history.events ?? []).flatMap((event) => {
    const data = event.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data;
    if (!data) return [];
    const marker = JSON.parse(Buffer.from(data).toString('utf8')) as {
      activity_type: string;
      attempt: number;
    };
    return marker.activity_type === 'executeCommand' ? [marker.attempt] : [];
  });
  expect(Math.max(...attempts)).toBe(3);
});

test('disabled customer: the order is cancelled before anything is reserved', async () => {
  const customerId = await registerCustomer(h, 'disabled');
  const sku = await stock(h, 5);
  const orderId = await placeOrder(h, { customerId, lines: [{ sku, quantity: 1, unitPriceCents: 100 }] });
  const result = await sagaOf(h, orderId).result();
  expect(result).toEqual({ orderId, outcome: 'cancelled', reason: `customer ${customerId} is disabled` });
  expect(await eventTypes(h, `inventory-${sku}`)).toEqual(['StockReceived']);
  expect(await eventTypes(h, `order-${orderId}`)).toEqual(['OrderPlaced', 'OrderCancelled']);
});
