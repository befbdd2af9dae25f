import type { WorkflowHandle } from '@temporalio/client';
import type { OrderState } from '../../domain/order/order';
import type { SagaTestKit } from '../../engine/testing/sagaTestKit';
import {
  orderFulfillmentWorkflowType,
  shipmentDispatchedSignal,
  type OrderFulfillmentResult,
} from '../../workflows/orderFulfillment/contract';
import { startFastSagaKit } from '../harness/fastSagas';
import type { TestTemporal } from '../harness/temporal';

// The order saga alone, on the real dev server, with stub activities: which commands it sends and in
// which order it undoes them. No database; the integration suites (orderFulfillment.test.ts) cover the rest.
let temporal: TestTemporal;
let kit: SagaTestKit;

beforeAll(async () => {
  ({ kit, temporal } = await startFastSagaKit('fast-saga'));
});

afterAll(async () => {
  await temporal?.close();
});

const order: OrderState = {
  status: 'placed',
  orderId: 'o-1',
  customerId: 'c-1',
  lines: [
    { sku: 'sku-a', quantity: 1, unitPriceCents: 500 },
    { sku: 'sku-b', quantity: 2, unitPriceCents: 250 },
  ],
  paymentMethod: 'pm_card_ok',
  shippingAddress: { name: 'A', line1: 'L', city: 'London', postalCode: 'N1', country: 'GB' },
  totalCents: 1000,
};
const shopReads = {
  loadOrder: async () => order,
  loadCustomerStatus: async () => 'active' as const,
};
const input = { orderId: 'o-1', correlationId: 'corr-1', dispatchDeadline: '1 minute' };

/** The warehouse dispatches as soon as the shipment is scheduled. */
async function signalDispatchAfterScheduling(command: { type: string }, handle: WorkflowHandle) {
  if (command.type !== 'ScheduleShipment') return;
  await handle.signal(shipmentDispatchedSignal, {
    eventId: 'e-dispatched',
    eventType: 'ShipmentDispatched',
    streamId: 'shipment-o-1',
    globalPosition: '1',
    correlationId: 'corr-1',
    data: { orderId: 'o-1' },
  });
}

test('a dispatched order: reserve each line, authorize, schedule, then capture and confirm', async () => {
  const run = await kit.run<typeof input, OrderFulfillmentResult>(orderFulfillmentWorkflowType, {
    input,
    activities: shopReads,
    afterDispatch: signalDispatchAfterScheduling,
  });
  expect(run.result).toEqual({ orderId: 'o-1', outcome: 'confirmed' });
  expect(run.commandTypes()).toEqual([
    'ReserveStock',
    'ReserveStock',
    'AuthorizePayment',
    'ScheduleShipment',
    'ShipStock',
    'ShipStock',
    'CapturePayment',
    'ConfirmOrder',
  ]);
  // Command ids derive from the workflow id and the step: stable across retries and restarts.
  expect(run.dispatched.map((sent) => sent.commandId.split(':').slice(1).join(':'))).toEqual([
    'reserve-stock:0',
    'reserve-stock:1',
    'authorize-payment',
    'schedule-shipment',
    'ship-stock:0',
    'ship-stock:1',
    'capture-payment',
    'confirm-order',
  ]);
});

test('a step after the capture fails: the payment is refunded; nothing dispatched is undone', async () => {
  const run = await kit.run<typeof input, OrderFulfillmentResult>(orderFulfillmentWorkflowType, {
    input,
    activities: shopReads,
    afterDispatch: signalDispatchAfterScheduling,
    reject: (command) =>
      command.type === 'ConfirmOrder' ? { code: 'OrderAlreadyCancelled', message: 'cancelled' } : undefined,
  });
  expect(run.result).toEqual({
    orderId: 'o-1',
    outcome: 'cancelled',
    reason: 'OrderAlreadyCancelled: cancelled',
  });
  // Refund replaced the void once captured; the dispatched shipment and shipped stock stay as they are.
  expect(run.commandTypes().slice(-3)).toEqual(['ConfirmOrder', 'RefundPayment', 'CancelOrder']);
});

test('a declined card undoes the reservations newest first and cancels the order with the reason', async () => {
  const run = await kit.run<typeof input, OrderFulfillmentResult>(orderFulfillmentWorkflowType, {
    input,
    activities: shopReads,
    reject: (command) =>
      command.type === 'AuthorizePayment'
        ? { code: 'CardDeclined', message: 'the card was declined' }
        : undefined,
  });
  expect(run.result).toEqual({
    orderId: 'o-1',
    outcome: 'cancelled',
    reason: 'CardDeclined: the card was declined',
  });
  expect(
    run.dispatched.map((sent) => [sent.command.type, (sent.command.data as { sku?: string }).sku]),
  ).toEqual([
    ['ReserveStock', 'sku-a'],
    ['ReserveStock', 'sku-b'],
    ['AuthorizePayment', undefined],
    ['VoidPayment', undefined],
    ['ReleaseStock', 'sku-b'],
    ['ReleaseStock', 'sku-a'],
    ['CancelOrder', undefined],
  ]);
});
