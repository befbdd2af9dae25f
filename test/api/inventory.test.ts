// The inventory routes: receiving stock, reading it with reservations, replays and validation.
import { readStream } from '../../engine/eventstore/readStream';
import { expectRejectedWithoutWrites, startApiTest, uniqueId, type ApiTest } from './apiHarness';
import { sagaSender } from './commerceHelpers';

let api: ApiTest;

beforeAll(async () => {
  api = await startApiTest('api-inventory');
});

afterAll(async () => {
  await api?.close();
});

const sagaSends = sagaSender(() => api);

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
