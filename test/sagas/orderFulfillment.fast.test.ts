import type { WorkflowHandle } from '@temporalio/client';
import { customerAggregate, type CustomerState } from '../../domain/customer/customer';
import { orderAggregate, type OrderState } from '../../domain/order/order';
import type { SagaTestKit } from '../../engine/testing/sagaTestKit';
import {
  shipmentDispatchedSignal,
  type OrderFulfillmentInput,
} from '../../workflows/orderFulfillment/contract';
import { orderFulfillmentSaga } from '../../workflows/orderFulfillment/saga';
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
  shippingAddress: { name: 'A', line1: 'L', city: 'London', region: null, postalCode: 'N1', country: 'GB' },
  currency: 'EUR',
  totalCents: 1000,
};
const customer: CustomerState = { status: 'active', customerId: 'c-1', name: 'C', email: 'c@example.com' };
// What load() returns for the order and its customer.
const states = { [orderAggregate.streamId('o-1')]: order, [customerAggregate.streamId('c-1')]: customer };
const input: OrderFulfillmentInput = {
  orderId: 'o-1',
  correlationId: 'corr-1',
  dispatchDeadline: '1 minute',
};

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
  const run = await kit.run(orderFulfillmentSaga, {
    input,
    states,
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
  const run = await kit.run(orderFulfillmentSaga, {
    input,
    states,
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
  const run = await kit.run(orderFulfillmentSaga, {
    input,
    states,
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

test("a signal sent from afterDispatch in the saga's last task is sent once, and the saga finishes", async () => {
  // ConfirmOrder runs in the saga's last workflow task; a signal arriving then makes Temporal retry that
  // task, which runs ConfirmOrder again. The hook runs for the first run of a command id only.
  const signalled: string[] = [];
  const started = Date.now();
  const run = await kit.run(orderFulfillmentSaga, {
    input,
    states,
    async afterDispatch(command, handle) {
      await signalDispatchAfterScheduling(command, handle);
      if (command.type !== 'ConfirmOrder') return;
      signalled.push(command.type);
      await handle.signal(shipmentDispatchedSignal, {
        eventId: `e-late-${signalled.length}`,
        eventType: 'ShipmentDispatched',
        streamId: 'shipment-o-1',
        globalPosition: '2',
        correlationId: 'corr-1',
        data: { orderId: 'o-1' },
      });
    },
  });
  expect(run.result).toEqual({ orderId: 'o-1', outcome: 'confirmed' });
  expect(signalled).toEqual(['ConfirmOrder']);
  expect(run.commandTypes().filter((type) => type === 'ConfirmOrder')).toHaveLength(1);
  expect(Date.now() - started).toBeLessThan(20_000);
});
