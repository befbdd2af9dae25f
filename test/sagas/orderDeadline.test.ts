import { eventually, startSagaHarness, type SagaHarness } from '../harness/sagaHarness';
import { recordHistory } from '../harness/histories';
import { expectFullyCompensated, placeOrder, registerCustomer, sagaOf, stock } from './orderScenario';

let h: SagaHarness;

beforeAll(async () => {
  // A short deadline stands in for the default 24 hours: time skipping is not available here.
  h = await startSagaHarness('order-deadline', { settings: { dispatchDeadline: '2 seconds' } });
});

afterAll(async () => {
  await h?.close();
});

test('dispatch deadline passed: shipment cancelled, payment voided, stock released, order cancelled', async () => {
  const customerId = await registerCustomer(h);
  const sku = await stock(h, 4);
  const orderId = await placeOrder(h, { customerId, lines: [{ sku, quantity: 3, unitPriceCents: 1000 }] });

  const result = await sagaOf(h, orderId).result();
  expect(result).toEqual({
    orderId,
    outcome: 'cancelled',
    reason: 'shipment was not dispatched within 2 seconds',
  });
  await expectFullyCompensated(h, orderId, sku, result.reason!);
  await recordHistory(sagaOf(h, orderId).handle, 'orderFulfillment-deadline-passed');
});

test('cancelling the saga through Temporal still compensates and cancels the order', async () => {
  const customerId = await registerCustomer(h);
  const sku = await stock(h, 4);
  const orderId = await placeOrder(h, { customerId, lines: [{ sku, quantity: 2, unitPriceCents: 1000 }] });
  const saga = sagaOf(h, orderId);
  await saga.started();
  // Cancel while it waits for the dispatch (after reserve, authorize and schedule have happened).
  await eventually(async () => ((await saga.step()) === 'awaiting dispatch' ? true : undefined));
  await saga.handle.cancel();
  await expect(saga.handle.result()).rejects.toThrow();
  expect((await saga.handle.describe()).status.name).toBe('CANCELLED');
  await expectFullyCompensated(h, orderId, sku, 'saga was cancelled');
});
