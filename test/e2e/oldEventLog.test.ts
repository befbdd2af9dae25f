import path from 'node:path';
import { loadLogFixture } from '../../engine/testing/logFixture';
import type { RunningProcession } from '../../worker/procession';
import { adminCalls } from '../harness/adminCalls';
import { startTestProcession, type TestProcession } from '../harness/procession';
import { eventually } from '../harness/sagaHarness';

// A log written by the code of 2026-12-07 (OrderPlaced at schema version 1: no currency, no region),
// loaded into a fresh database: today's code must decide on it, project it, start sagas from it and show
// it, reading every old event in today's shape and never rewriting the log.
const fixture = path.join(__dirname, '../fixtures/eventLogs/shop-2026-12-07.sql');
const openOrder = 'fixture-open-order'; // placed with no relay running: its saga starts here
let running: TestProcession;
let procession: RunningProcession;
let lastFixturePosition: string;

beforeAll(async () => {
  ({ procession } = running = await startTestProcession('old-log'));
  expect(await loadLogFixture(procession.pool, fixture)).toBeGreaterThan(50);
  const { rows } = await procession.pool.query<{ last: string }>(
    'select max(global_position)::text as last from events',
  );
  lastFixturePosition = rows[0]!.last;
});

afterAll(async () => {
  await running?.stop();
});

const call = adminCalls(() => procession?.apiUrl);

test('the log keeps the old events as they were written', async () => {
  const { rows } = await procession.pool.query<{ version: number; currency: string | null }>(
    `select schema_version as version, data->>'currency' as currency from events where event_type = 'OrderPlaced'`,
  );
  expect(rows.length).toBeGreaterThan(1);
  expect(rows.every((row) => row.version === 1 && row.currency === null)).toBe(true);
});

test('the relay starts a saga from an old OrderPlaced, and it runs to awaiting dispatch', async () => {
  const workflowId = `order-fulfillment:${openOrder}`;
  await eventually(async () => {
    const saga = await call('GET', `/sagas/${encodeURIComponent(workflowId)}`);
    return saga.body.progress?.step === 'awaiting dispatch' ? true : undefined;
  }, 60_000);
  const trigger = await call('GET', `/sagas/${encodeURIComponent(workflowId)}`);
  expect(trigger.status).toBe(200);
});

test('aggregates decide on old events read in the current shape', async () => {
  const order = await call('GET', `/orders/${openOrder}`);
  expect(order.body).toMatchObject({ currency: 'EUR', shippingAddress: { city: 'London', region: null } });
  const again = await call('POST', '/orders', {
    orderId: openOrder,
    customerId: 'fixture-ada',
    lines: [{ sku: 'fixture-kettle', quantity: 1, unitPriceCents: 1 }],
    paymentMethod: 'pm_card_ok',
    shippingAddress: { name: 'A', line1: 'L', city: 'C', postalCode: 'P', country: 'GB' },
  });
  expect(again.status).toBe(409);
  expect(again.body.error).toBe('OrderAlreadyPlaced');
});

test('stream playback shows the upcast event and says how it was stored', async () => {
  const stream = await call('GET', `/streams/order-${openOrder}`);
  expect(stream.status).toBe(200);
  expect(stream.body.events[0]).toMatchObject({
    type: 'OrderPlaced',
    schemaVersion: 2,
    storedAs: { type: 'OrderPlaced', schemaVersion: 1 },
    data: { currency: 'EUR', shippingAddress: { region: null } },
  });
  expect(stream.body.state).toMatchObject({ currency: 'EUR' });
});

test('the customers read model folds old orders, live and after an online rebuild', async () => {
  const spending = async () =>
    (await call('GET', `/customers/fixture-ada?minPosition=${lastFixturePosition}&waitMs=20000`)).body
      .spending;
  expect(await spending()).toEqual([{ currency: 'EUR', orders: 1, totalCents: '4900' }]);
  expect((await call('POST', '/read-models/customers/rebuild?mode=online')).status).toBe(202);
  await eventually(async () => {
    const watched = await call('GET', '/read-models/customers');
    return watched.body.rebuild?.phase === 'done' ? true : undefined;
  }, 60_000);
  expect(await spending()).toEqual([{ currency: 'EUR', orders: 1, totalCents: '4900' }]);
});

test('new orders are written at schema version 2 with their currency and region', async () => {
  const customer = await call('POST', '/customers', { name: 'Grace', email: 'grace@example.com' });
  const placed = await call('POST', '/orders', {
    customerId: customer.body.customerId,
    lines: [{ sku: 'fixture-kettle', quantity: 1, unitPriceCents: 1_000 }],
    paymentMethod: 'pm_card_ok',
    currency: 'GBP',
    shippingAddress: {
      name: 'G',
      line1: 'L',
      city: 'Leeds',
      region: 'West Yorkshire',
      postalCode: 'LS1',
      country: 'GB',
    },
  });
  expect(placed.status).toBe(202);
  const { rows } = await procession.pool.query(
    `select schema_version as version, data->>'currency' as currency, data->'shippingAddress'->>'region' as region
     from events where stream_id = $1 and event_type = 'OrderPlaced'`,
    [`order-${placed.body.orderId}`],
  );
  expect(rows).toEqual([{ version: 2, currency: 'GBP', region: 'West Yorkshire' }]);
  const spending = await call(
    'GET',
    `/customers/${customer.body.customerId}?minPosition=${placed.body.position}&waitMs=20000`,
  );
  expect(spending.body.spending).toEqual([{ currency: 'GBP', orders: 1, totalCents: '1000' }]);
  const unsupported = await call('POST', '/orders', {
    customerId: customer.body.customerId,
    lines: [{ sku: 'fixture-kettle', quantity: 1, unitPriceCents: 1_000 }],
    paymentMethod: 'pm_card_ok',
    currency: 'JPY',
    shippingAddress: { name: 'G', line1: 'L', city: 'Leeds', postalCode: 'LS1', country: 'GB' },
  });
  expect(unsupported.status).toBe(400);
  expect(JSON.stringify(unsupported.body)).toMatch(/currency/);
});
