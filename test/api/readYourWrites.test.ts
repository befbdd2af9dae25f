import { randomUUID } from 'node:crypto';
import { runProjection } from '../../engine/projections/projectionRunner';
import { customersProjection } from '../../projections/customers/customersProjection';
import { expectRejectedWithoutWrites, startApiTest, type ApiTest } from './apiHarness';

// Every command answers the position of its last event; a read model GET given it as ?minPosition=
// answers only once the read model has applied that event, or says after the bound where it is.
let api: ApiTest;

beforeAll(async () => {
  api = await startApiTest('api-read-your-writes');
});

afterAll(async () => {
  await api?.close();
});

const register = async () => {
  const response = await api.request({
    method: 'POST',
    url: '/customers',
    payload: { name: 'Ada', email: 'ada@example.com' },
  });
  expect(response.statusCode).toBe(201);
  return response.json() as { customerId: string; version: number; position: string };
};

test('every command answers the global position of its last event, as a decimal string', async () => {
  const first = await register();
  expect(first.position).toMatch(/^[0-9]+$/);
  const disabled = await api.request({
    method: 'POST',
    url: `/customers/${first.customerId}/disable`,
    payload: { reason: 'fraud' },
  });
  expect(BigInt(disabled.json().position)).toBeGreaterThan(BigInt(first.position));
  // Already disabled: nothing appended, the position of the event that made it so.
  const again = await api.request({
    method: 'POST',
    url: `/customers/${first.customerId}/disable`,
    payload: { reason: 'fraud' },
  });
  expect(again.json()).toMatchObject({ changed: false, position: disabled.json().position });
  const [event] = (
    await api.database.pool.query<{ position: string }>(
      "select global_position::text as position from events where stream_id = $1 and event_type = 'CustomerDisabled'",
      [`customer-${first.customerId}`],
    )
  ).rows;
  expect(disabled.json().position).toBe(event!.position);
});

test('behind the bound, a read-model GET answers 503 saying where the read model is', async () => {
  const { customerId, position } = await register();
  const response = await api.request({
    method: 'GET',
    url: `/customers/${customerId}?minPosition=${position}&waitMs=150`,
  });
  expect(response.statusCode).toBe(503);
  expect(response.json()).toMatchObject({
    error: 'ReadModelBehind',
    message: expect.stringMatching(
      new RegExp(
        `^The customers read model has not reached position ${position} after \\d+ ms: it is at position \\d+`,
      ),
    ),
    details: { readModel: 'customers', minPosition: position, waitedMs: expect.any(Number) },
  });
  expect(response.json().details.waitedMs).toBeGreaterThanOrEqual(150);
});

test('with the projection running, a GET given the position sees the write at once', async () => {
  const projection = runProjection(api.database.pool, customersProjection, { pollIntervalMs: 1_000 });
  projection.start();
  try {
    const { customerId, position } = await register();
    const read = await api.request({
      method: 'GET',
      url: `/customers/${customerId}?minPosition=${position}`,
    });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ customerId, status: 'active' });
    const disabled = await api.request({
      method: 'POST',
      url: `/customers/${customerId}/disable`,
      payload: { reason: 'chargeback' },
    });
    const list = await api.request({
      method: 'GET',
      url: `/customers?status=disabled&minPosition=${disabled.json().position}&limit=500`,
    });
    expect(list.json().items.map((item: { customerId: string }) => item.customerId)).toContain(customerId);
  } finally {
    await projection.stop();
  }
});

test('a position no event has is not waited for silently: 503 that says so', async () => {
  await api.project();
  const response = await api.request({
    method: 'GET',
    url: `/customers/${randomUUID()}?minPosition=999999999999&waitMs=0`,
  });
  expect(response.statusCode).toBe(503);
  expect(response.json().message).toMatch(/no event at that position is visible yet/);
});

test.each([
  ['minPosition=abc', /^querystring\/minPosition must be a global position/],
  ['minPosition=-1', /^querystring\/minPosition must be a global position/],
  ['minPosition=12345678901234567890', /^querystring\/minPosition must be a global position/],
  [
    'minPosition=1&waitMs=60001',
    /^querystring\/waitMs must be a whole number of milliseconds from 0 to 60000/,
  ],
  ['waitMs=1.5', /^querystring\/waitMs must be/],
])('?%s is a 400', async (query, message) => {
  await expectRejectedWithoutWrites(api, { method: 'GET', url: `/customers/c-1?${query}` }, message);
});
