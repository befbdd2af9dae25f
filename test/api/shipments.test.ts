// The shipment route: dispatching once, again, never scheduled, cancelled, and a malformed order id.
import { expectRejectedWithoutWrites, startApiTest, uniqueId, type ApiTest } from './apiHarness';
import { address, sagaSender } from './commerceHelpers';

let api: ApiTest;

beforeAll(async () => {
  api = await startApiTest('api-shipments');
});

afterAll(async () => {
  await api?.close();
});

const sagaSends = sagaSender(() => api);

describe('shipments', () => {
  test('dispatching a scheduled shipment, then again: changed, then unchanged', async () => {
    const orderId = uniqueId('o');
    await sagaSends({ type: 'ScheduleShipment', data: { orderId, address } });
    const dispatch = () => api.request({ method: 'POST', url: `/shipments/${orderId}/dispatch` });
    const first = await dispatch();
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({
      orderId,
      version: 2,
      changed: true,
      position: expect.stringMatching(/^[0-9]+$/),
    });
    expect((await dispatch()).json()).toEqual({
      orderId,
      version: 2,
      changed: false,
      position: first.json().position,
    });
  });

  test('a shipment that was never scheduled is a 404 and nothing is written', async () => {
    const before = await api.writes();
    const response = await api.request({ method: 'POST', url: '/shipments/no-such-order/dispatch' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'ShipmentNotFound' });
    expect(await api.writes()).toEqual(before);
  });

  test('a cancelled shipment cannot be dispatched: 409 with the rule that said no', async () => {
    const orderId = uniqueId('o');
    await sagaSends({ type: 'ScheduleShipment', data: { orderId, address } });
    await sagaSends({ type: 'CancelShipment', data: { orderId } });
    const before = await api.writes();
    const response = await api.request({ method: 'POST', url: `/shipments/${orderId}/dispatch` });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({
      error: 'ShipmentCancelled',
      message: `Shipment for order ${orderId} was cancelled`,
      details: { orderId },
    });
    expect(await api.writes()).toEqual(before);
  });

  test('an order id outside the allowed characters is a 400', async () => {
    await expectRejectedWithoutWrites(
      api,
      { method: 'POST', url: `/shipments/${'o'.repeat(101)}/dispatch` },
      /^params\/orderId must be 1 to 100 characters/,
    );
  });
});
