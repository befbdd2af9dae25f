// The order routes: placing an order (and its saga to watch), reading it, conflicts, retries, validation.
import { randomUUID } from 'node:crypto';
import { readStream } from '../../engine/eventstore/readStream';
import { expectRejectedWithoutWrites, send, startApiTest, uiUrl, uniqueId, type ApiTest } from './apiHarness';
import { address, sagaSender } from './commerceHelpers';
import { supportedPaymentMethods } from '../../domain/payment/paymentMethods';

let api: ApiTest;

beforeAll(async () => {
  api = await startApiTest('api-orders');
});

afterAll(async () => {
  await api?.close();
});

const sagaSends = sagaSender(() => api);

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
      `body/paymentMethod must be one of ${supportedPaymentMethods.map((method) => `"${method}"`).join(', ')}`,
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

describe('POST /orders/:orderId/refund', () => {
  test('a confirmed order: 202 with the refund saga to watch, OrderRefundRequested with the reason', async () => {
    const orderId = uniqueId('o');
    await api.request({ method: 'POST', url: '/orders', payload: orderBody({ orderId }) });
    await sagaSends({ type: 'ConfirmOrder', data: { orderId } });
    const response = await api.request({
      method: 'POST',
      url: `/orders/${orderId}/refund`,
      payload: { reason: 'arrived broken' },
    });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ orderId, workflowId: `order-refund:${orderId}` });
    const events = await readStream(api.database.pool, `order-${orderId}`);
    expect(events.at(-1)).toMatchObject({
      type: 'OrderRefundRequested',
      data: { orderId, reason: 'arrived broken' },
    });
    const shown = await api.request({ method: 'GET', url: `/orders/${orderId}` });
    expect(shown.json()).toMatchObject({ status: 'refunding', refundReason: 'arrived broken' });
  });

  test('an order not confirmed yet is a 409 that says to cancel it; an unknown one a 404', async () => {
    const orderId = uniqueId('o');
    await api.request({ method: 'POST', url: '/orders', payload: orderBody({ orderId }) });
    const before = await api.writes();
    const refused = await api.request({
      method: 'POST',
      url: `/orders/${orderId}/refund`,
      payload: { reason: 'why not' },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      error: 'OrderNotConfirmed',
      message: expect.stringContaining('cancel it'),
    });
    expect(await api.writes()).toEqual(before);
    const unknown = await api.request({
      method: 'POST',
      url: `/orders/${randomUUID()}/refund`,
      payload: { reason: 'why not' },
    });
    expect(unknown.statusCode).toBe(404);
  });

  test.each([
    [{}, /reason/],
    [{ reason: '' }, /reason/],
    [{ reason: 'x', amountCents: 5 }, /amountCents/],
  ])('a body of %j is a 400 naming the field, nothing written', async (payload, message) => {
    await expectRejectedWithoutWrites(
      api,
      { method: 'POST', url: `/orders/${randomUUID()}/refund`, payload },
      message,
    );
  });
});
