import { randomUUID } from 'node:crypto';
import { appendToStream } from '../../engine/eventstore/append';
import type { RunningProcession } from '../../worker/procession';
import { adminCalls } from '../harness/adminCalls';
import { startTestProcession, type TestProcession } from '../harness/procession';
import { eventually } from '../harness/sagaHarness';

// The whole path a user takes: HTTP command → event → relay → saga → commands → aggregates, then
// watching it through the API. Everything real: PostgreSQL, the Temporal server, the HTTP server.
let running: TestProcession;
let procession: RunningProcession;

beforeAll(async () => {
  ({ procession } = running = await startTestProcession('e2e', {
    settings: { bulkPageSize: 25, bulkPagesPerRun: 3 },
  }));
});

afterAll(async () => {
  await running?.stop();
});

const call = adminCalls(() => procession?.apiUrl);

const address = {
  name: 'Grace Hopper',
  line1: '1 Harbour Rd',
  city: 'Arlington',
  postalCode: '22201',
  country: 'US',
};

async function seedOrder(paymentMethod: string) {
  const customer = await call<{ customerId: string }>('POST', '/customers', {
    name: 'Grace',
    email: 'grace@example.com',
  });
  const sku = `sku-${randomUUID()}`;
  await call('POST', `/inventory/${sku}/receive`, { quantity: 3 });
  const placed = await call<{ orderId: string; workflowId: string; uiUrl: string }>('POST', '/orders', {
    customerId: customer.body.customerId,
    lines: [{ sku, quantity: 2, unitPriceCents: 1250 }],
    paymentMethod,
    shippingAddress: address,
  });
  return { ...placed, sku };
}

test('an order placed over HTTP is fulfilled by its saga, watched and dispatched over HTTP', async () => {
  const placed = await seedOrder('pm_card_ok');
  expect(placed.status).toBe(202);
  const { orderId, workflowId, uiUrl } = placed.body;
  expect(workflowId).toBe(`order-fulfillment:${orderId}`);
  expect(uiUrl).toBe(`http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(workflowId)}`);

  await eventually(async () => {
    const saga = await call<{ progress: { step: string } | null }>(
      'GET',
      `/sagas/${encodeURIComponent(workflowId)}`,
    );
    return saga.body.progress?.step === 'awaiting dispatch' ? true : undefined;
  });
  expect((await call('POST', `/shipments/${orderId}/dispatch`)).status).toBe(200);

  const confirmed = await eventually(async () => {
    const order = await call<{ status: string }>('GET', `/orders/${orderId}`);
    return order.body.status === 'confirmed' ? order.body : undefined;
  });
  expect(confirmed.status).toBe('confirmed');
  // The order is confirmed by the saga's last command; the workflow completes just after.
  const saga = await eventually(async () => {
    const answer = await call<{ workflowType: string; status: string }>(
      'GET',
      `/sagas/${encodeURIComponent(workflowId)}`,
    );
    return answer.body.status === 'COMPLETED' ? answer.body : undefined;
  });
  expect(saga.workflowType).toBe('orderFulfillment');

  // 3 received, 2 ordered and shipped: the stock adds up.
  expect((await call('GET', `/inventory/${placed.sku}`)).body).toMatchObject({
    onHand: 1,
    reserved: 0,
    available: 1,
  });

  const playback = await call<{ version: number; state: { status: string }; events: unknown[] }>(
    'GET',
    `/streams/payment-${orderId}?upToVersion=1`,
  );
  expect(playback.body).toMatchObject({ version: 1, state: { status: 'authorized' } });
});

test('a declined card over HTTP ends with the order cancelled and the reason readable', async () => {
  const { body } = await seedOrder('pm_card_declined');
  const cancelled = await eventually(async () => {
    const order = await call<{ status: string; cancelReason: string | null }>(
      'GET',
      `/orders/${body.orderId}`,
    );
    return order.body.status === 'cancelled' ? order.body : undefined;
  });
  expect(cancelled.cancelReason).toMatch(/^CardDeclined/);
});

test('a bulk task over HTTP: requested, paused, resumed, completed, and the read model agrees', async () => {
  for (let i = 0; i < 100; i++) {
    await call('POST', '/customers', {
      customerId: `bulk-e2e-${String(i).padStart(3, '0')}`,
      name: 'B',
      email: 'b@example.com',
    });
  }
  const requested = await call<{ bulkId: string; workflowId: string }>(
    'POST',
    '/bulk/disable-all-customers',
    { reason: 'e2e' },
  );
  expect(requested.status).toBe(202);
  const { bulkId } = requested.body;
  await eventually(async () =>
    (await call('GET', `/bulk/${bulkId}`)).body.source === 'workflow' ? true : undefined,
  );

  expect((await call('POST', `/bulk/${bulkId}/pause`)).status).toBe(202);
  const paused = await eventually(async () => {
    const progress = await call<{ status: string }>('GET', `/bulk/${bulkId}`);
    return progress.body.status === 'paused' ? progress.body : undefined;
  });
  expect(paused.status).toBe('paused');
  expect((await call('POST', `/bulk/${bulkId}/resume`)).status).toBe(202);

  const done = await eventually(async () => {
    const progress = await call<{
      status: string;
      total: number;
      processed: number;
      changed: number;
      unchanged: number;
    }>('GET', `/bulk/${bulkId}`);
    return progress.body.status === 'completed' ? progress.body : undefined;
  }, 60_000);
  expect(done.processed).toBe(done.total);
  expect(done.changed + done.unchanged).toBe(done.total);
  expect(done.total).toBeGreaterThanOrEqual(100);

  // Completed only once the read model reflects the run: the next read agrees, without waiting.
  const active = await call<{ items: unknown[] }>('GET', '/customers?status=active&limit=500');
  expect(active.body.items).toEqual([]);
  expect((await call<{ status: string }>('GET', '/customers/bulk-e2e-099')).body.status).toBe('disabled');
});

test('enable-customers over HTTP re-enables only the customers disabled for its reason, exactly once', async () => {
  const ids = Array.from({ length: 30 }, (_, i) => `enable-e2e-${String(i).padStart(2, '0')}`);
  for (const customerId of ids)
    await call('POST', '/customers', { customerId, name: 'E', email: 'e@example.com' });
  for (const [index, customerId] of ids.entries())
    await call('POST', `/customers/${customerId}/disable`, {
      reason: index < 20 ? 'e2e sweep' : 'e2e other',
    });

  const requested = await call<{ bulkId: string }>('POST', '/bulk/enable-customers', {
    reason: 'sweep undone',
    disabledReason: 'e2e sweep',
  });
  expect(requested.status).toBe(202);
  const done = await eventually(async () => {
    const progress = await call<{ status: string; total: number; changed: number }>(
      'GET',
      `/bulk/${requested.body.bulkId}`,
    );
    return progress.body.status === 'completed' ? progress.body : undefined;
  }, 60_000);
  expect(done).toMatchObject({ total: 20, changed: 20 });

  const statuses = await eventually(async () => {
    const views = await Promise.all(
      ids.map(
        async (customerId) => (await call<{ status: string }>('GET', `/customers/${customerId}`)).body.status,
      ),
    );
    return views.slice(0, 20).every((status) => status === 'active') ? views : undefined;
  });
  expect(statuses.slice(20)).toEqual(Array(10).fill('disabled'));
  const enabled = await procession.pool.query<{ stream_id: string; count: string }>(
    `select stream_id, count(*) from events where event_type = 'CustomerEnabled' and stream_id = any($1::text[])
     group by stream_id`,
    [ids.map((customerId) => `customer-${customerId}`)],
  );
  expect(enabled.rows.map((row) => [row.stream_id, row.count]).sort()).toEqual(
    ids.slice(0, 20).map((customerId) => [`customer-${customerId}`, '1']),
  );
});

test('a poison event is listed over HTTP and a replay request is carried out by the relay', async () => {
  const client = await procession.pool.connect();
  const eventId = randomUUID();
  try {
    await appendToStream(client, `order-broken-${randomUUID()}`, 0, [
      {
        type: 'OrderPlaced',
        data: {},
        metadata: {
          eventId,
          commandId: randomUUID(),
          commandType: 'PlaceOrder',
          correlationId: 'x',
          causationId: 'x',
          actor: 'test',
        },
      },
    ]);
  } finally {
    client.release();
  }
  const parked = await eventually(async () => {
    const list = await call<{ items: Array<{ eventId: string; attempts: number; reason: string }> }>(
      'GET',
      '/parked-events?status=parked',
    );
    return list.body.items.find((item) => item.eventId === eventId);
  });
  expect(parked.reason).toMatch(/has no orderId/);

  expect((await call('POST', `/parked-events/${eventId}/replay`)).status).toBe(202);
  const again = await eventually(async () => {
    const list = await call<{ items: Array<{ eventId: string; attempts: number; status: string }> }>(
      'GET',
      '/parked-events',
    );
    const entry = list.body.items.find((item) => item.eventId === eventId);
    return entry && entry.status === 'parked' && entry.attempts > parked.attempts ? entry : undefined;
  });
  expect(again.status).toBe('parked');
  expect((await call('POST', `/parked-events/${randomUUID()}/replay`)).status).toBe(404);
  expect((await call('POST', '/parked-events/not-a-uuid/replay')).status).toBe(400);
});
