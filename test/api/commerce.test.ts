import { randomUUID } from 'node:crypto';
import { handleCommand } from '../../engine/commands/commandHandler';
import { readStream } from '../../engine/eventstore/readStream';
import type { DomainCommand } from '../../domain/registry';
import { expectRejectedWithoutWrites, send, startApiTest, uiUrl, type ApiTest } from './apiHarness';
import { shop } from '../../domain/registry';

let api: ApiTest;

beforeAll(async () => {
  api = await startApiTest('api-commerce');
});

afterAll(async () => {
  await api?.close();
});

const uniqueId = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** What a saga would do: the same command handler, straight from the test. */
const sagaSends = (command: DomainCommand) =>
  handleCommand(api.database.pool, shop, {
    commandId: randomUUID(),
    command,
    metadata: { correlationId: 'test', causationId: 'test', actor: 'test' },
  });

const address = {
  name: 'Ada',
  line1: '1 Analytical Way',
  city: 'London',
  postalCode: 'N1 1AA',
  country: 'GB',
};

function orderBody(overrides: Record<string, unknown> = {}) {
  return {
    customerId: 'c-1',
    lines: [
      { sku: 'sku-a', quantity: 2, unitPriceCents: 1250 },
      { sku: 'sku-b', quantity: 1, unitPriceCents: 0 },
    ],
    paymentMethod: 'pm_card_ok',
    shippingAddress: address,
    ...overrides,
  };
}

describe('inventory', () => {
  test('receiving stock answers the availability after the receipt', async () => {
    const sku = uniqueId('sku');
    const first = await api.request({
      method: 'POST',
      url: `/inventory/${sku}/receive`,
      payload: { quantity: 5 },
    });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({
      sku,
      onHand: 5,
      reserved: 0,
      available: 5,
      version: 1,
      position: expect.stringMatching(/^[0-9]+$/),
    });
    const second = await api.request({
      method: 'POST',
      url: `/inventory/${sku}/receive`,
      payload: { quantity: 3 },
    });
    expect(second.json()).toEqual({
      sku,
      onHand: 8,
      reserved: 0,
      available: 8,
      version: 2,
      position: expect.stringMatching(/^[0-9]+$/),
    });
  });

  test('GET folds the stream, reservations included', async () => {
    const sku = uniqueId('sku');
    await api.request({ method: 'POST', url: `/inventory/${sku}/receive`, payload: { quantity: 10 } });
    await sagaSends({ type: 'ReserveStock', data: { sku, orderId: 'o-1', quantity: 4 } });
    const response = await api.request({ method: 'GET', url: `/inventory/${sku}` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ sku, onHand: 10, reserved: 4, available: 6, version: 2 });
  });

  test('an unknown sku is a 404', async () => {
    const response = await api.request({ method: 'GET', url: '/inventory/never-stocked' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'InventoryNotFound', details: { sku: 'never-stocked' } });
  });

  test('a replayed receipt answers what the first one did, even after later receipts', async () => {
    const sku = uniqueId('sku');
    const receive = (quantity: number, key: string) =>
      api.request({
        method: 'POST',
        url: `/inventory/${sku}/receive`,
        headers: { 'idempotency-key': key },
        payload: { quantity },
      });
    const first = await receive(4, `${sku}-1`);
    await receive(6, `${sku}-2`);
    const replay = await receive(4, `${sku}-1`);
    expect(replay.json()).toEqual(first.json());
    expect((await readStream(api.database.pool, `inventory-${sku}`)).length).toBe(2);
  });

  test.each([
    [{ quantity: 0 }, 'body/quantity must be >= 1'],
    [{ quantity: 1.5 }, 'body/quantity must be integer'],
    [{ quantity: '3' }, 'body/quantity must be integer'],
    [{ quantity: true }, 'body/quantity must be integer'],
    [{ quantity: 1_000_001 }, 'body/quantity must be <= 1000000'],
    [{}, "body must have required property 'quantity'"],
    [{ quantity: 1, sku: 'other' }, "body must NOT have additional properties ('sku')"],
  ])('receive rejects %j', async (payload, message) => {
    await expectRejectedWithoutWrites(
      api,
      { method: 'POST', url: '/inventory/sku-x/receive', payload },
      message,
    );
  });

  test('a sku outside the allowed characters is a 400', async () => {
    await expectRejectedWithoutWrites(
      api,
      { method: 'POST', url: '/inventory/sku%2Fslash/receive', payload: { quantity: 1 } },
      /^params\/sku must be 1 to 100 characters/,
    );
  });
});

describe('orders', () => {
  test('placing an order appends OrderPlaced and answers 202 with the saga to watch', async () => {
    const orderId = uniqueId('o');
    const response = await api.request({ method: 'POST', url: '/orders', payload: orderBody({ orderId }) });
    expect(response.statusCode).toBe(202);
    const workflowId = `order-fulfillment:${orderId}`;
    expect(response.json()).toEqual({
      orderId,
      workflowId,
      uiUrl: `${uiUrl}/namespaces/${api.temporal.namespace}/workflows/${encodeURIComponent(workflowId)}`,
      position: expect.stringMatching(/^[0-9]+$/),
    });
    expect(response.headers.location).toBe(`/orders/${orderId}`);
    const events = await readStream(api.database.pool, `order-${orderId}`);
    expect(events.map((event) => event.type)).toEqual(['OrderPlaced']);
    expect(events[0]!.data).toMatchObject({ orderId, totalCents: 2500, shippingAddress: address });
  });

  test('without an order id one is generated; without a UI address the link is null', async () => {
    const app = api.appWith({ temporal: { ...api.deps.temporal, uiUrl: undefined } });
    const placed = await send(app, { method: 'POST', url: '/orders', payload: orderBody() });
    expect(placed.statusCode).toBe(202);
    expect(placed.json()).toEqual({
      orderId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      workflowId: `order-fulfillment:${placed.json().orderId}`,
      uiUrl: null,
      position: expect.stringMatching(/^[0-9]+$/),
    });
  });

  test('GET shows the folded order, including why it was cancelled', async () => {
    const orderId = uniqueId('o');
    await api.request({ method: 'POST', url: '/orders', payload: orderBody({ orderId }) });
    const placed = await api.request({ method: 'GET', url: `/orders/${orderId}` });
    expect(placed.statusCode).toBe(200);
    expect(placed.json()).toMatchObject({
      orderId,
      customerId: 'c-1',
      status: 'placed',
      cancelReason: null,
      totalCents: 2500,
      paymentMethod: 'pm_card_ok',
      shippingAddress: address,
      lines: orderBody().lines,
      version: 1,
      workflowId: `order-fulfillment:${orderId}`,
    });

    await sagaSends({ type: 'CancelOrder', data: { orderId, reason: 'InsufficientStock' } });
    const cancelled = await api.request({ method: 'GET', url: `/orders/${orderId}` });
    expect(cancelled.json()).toMatchObject({
      status: 'cancelled',
      cancelReason: 'InsufficientStock',
      version: 2,
    });
  });

  test('an unknown order is a 404', async () => {
    const response = await api.request({ method: 'GET', url: '/orders/no-such-order' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'OrderNotFound' });
  });

  test('placing the same order id twice is a 409', async () => {
    const orderId = uniqueId('o');
    await api.request({ method: 'POST', url: '/orders', payload: orderBody({ orderId }) });
    const again = await api.request({ method: 'POST', url: '/orders', payload: orderBody({ orderId }) });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: 'OrderAlreadyPlaced', details: { orderId } });
  });

  test('an Idempotency-Key makes a retried order (without order id) the same order', async () => {
    const key = randomUUID();
    const before = await api.writes();
    const place = (body = orderBody()) =>
      api.request({ method: 'POST', url: '/orders', headers: { 'idempotency-key': key }, payload: body });
    const first = await place();
    const second = await place();
    expect(second.statusCode).toBe(202);
    expect(second.json()).toEqual(first.json());
    expect(await api.writes()).toEqual({ events: before.events + 1, commands: before.commands + 1 });
    const changed = await place(orderBody({ paymentMethod: 'pm_card_declined' }));
    expect(changed.statusCode).toBe(409);
    expect(changed.json().error).toBe('IdempotencyKeyReused');
  });

  const lines = orderBody().lines;
  test.each([
    [{ lines: [] }, 'body/lines must NOT have fewer than 1 items'],
    [{ lines: [{ ...lines[0], quantity: 0 }] }, 'body/lines/0/quantity must be >= 1'],
    [{ lines: [{ ...lines[0], unitPriceCents: -1 }] }, 'body/lines/0/unitPriceCents must be >= 0'],
    [{ lines: [{ ...lines[0], unitPriceCents: 9.99 }] }, 'body/lines/0/unitPriceCents must be integer'],
    [
      { lines: [{ ...lines[0], discount: 5 }] },
      "body/lines/0 must NOT have additional properties ('discount')",
    ],
    [{ lines: [{ sku: 'a', quantity: 1 }] }, "body/lines/0 must have required property 'unitPriceCents'"],
    [
      { paymentMethod: 'cash' },
      'body/paymentMethod must be one of "pm_card_ok", "pm_card_declined", "pm_card_flaky"',
    ],
    [
      { shippingAddress: { ...address, country: 'gb' } },
      'body/shippingAddress/country must be a two-letter ISO 3166-1 country code in upper case',
    ],
    [
      { shippingAddress: { ...address, country: 'GBR' } },
      'body/shippingAddress/country must be a two-letter ISO 3166-1 country code in upper case',
    ],
    [
      { shippingAddress: { ...address, city: '' } },
      'body/shippingAddress/city must NOT have fewer than 1 characters',
    ],
    [{ shippingAddress: { name: 'A' } }, "body/shippingAddress must have required property 'line1'"],
    [{ customerId: undefined }, "body must have required property 'customerId'"],
    [{ customerId: 'c 1' }, /^body\/customerId must be 1 to 100 characters/],
    [{ coupon: 'FREE' }, "body must NOT have additional properties ('coupon')"],
  ])('rejects %j with a 400 and writes nothing', async (overrides, message) => {
    await expectRejectedWithoutWrites(
      api,
      { method: 'POST', url: '/orders', payload: orderBody(overrides) },
      message,
    );
  });
});

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
