import { randomUUID } from 'node:crypto';
import { eventually } from '../../engine/testing/eventually';
import { call, startFaultCluster, type FaultCluster, type RoleProcess } from './cluster';
import { countsBy, report } from './seed';

// kill -9 the Temporal dev server (history in a file) while sagas run, then start it again on the same
// file and port: the process survives, and every saga completes.
const orders = 30;
let cluster: FaultCluster;
let procession: RoleProcess;

beforeAll(async () => {
  cluster = await startFaultCluster('temporal-kill');
  procession = await cluster.spawn('all-roles', 'api,worker,relay,projections', {
    ORDER_DISPATCH_DEADLINE: '3 minutes',
  });
}, 180_000);

afterAll(async () => {
  await cluster?.close();
});

const address = { name: 'T', line1: '1 Server Rd', city: 'York', postalCode: 'YO1', country: 'GB' };

async function send<T>(urlPath: string, body: unknown, accept: number[]): Promise<T> {
  const key = randomUUID();
  for (;;) {
    const answer = await call<T>(procession.url, 'POST', urlPath, body, { 'idempotency-key': key });
    if (accept.includes(answer.status)) return answer.body;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const step = async (orderId: string) =>
  (
    await call<{ progress: { step?: string } | null }>(
      procession.url,
      'GET',
      `/sagas/order-fulfillment:${orderId}`,
    )
  ).body.progress?.step;

test('every saga completes across a kill -9 and restart of the Temporal server', async () => {
  const started = Date.now();
  const { customerId } = await send<{ customerId: string }>(
    '/customers',
    { name: 'T', email: 't@example.com' },
    [201],
  );
  const sku = `sku-${randomUUID()}`;
  await send(`/inventory/${sku}/receive`, { quantity: orders }, [200]);
  const placed = await Promise.all(
    Array.from({ length: orders }, () =>
      send<{ orderId: string }>(
        '/orders',
        {
          customerId,
          lines: [{ sku, quantity: 1, unitPriceCents: 100 }],
          paymentMethod: 'pm_card_ok',
          shippingAddress: address,
        },
        [202],
      ),
    ),
  );
  const ids = placed.map((order) => order.orderId);
  // Mid-saga: some are waiting for dispatch, the rest are still reserving, authorizing, scheduling.
  await eventually(
    async () => ((await step(ids[0]!)) === 'awaiting dispatch' ? true : undefined),
    120_000,
    `the first order's saga to await dispatch before the kill`,
  );
  const stepsAtKill = await Promise.all(ids.map(step));

  await cluster.killDevServer();
  const killedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  await cluster.restartDevServer();
  const restartedAt = Date.now();
  // The same process, reconnected: it answers a saga's progress again.
  await eventually(
    async () => ((await step(ids[0]!)) ? true : undefined),
    120_000,
    'the worker to reconnect',
  );
  const reconnectedMs = Date.now() - restartedAt;
  expect(procession.alive).toBe(true);

  await Promise.all(
    ids.map(async (orderId) => {
      await eventually(
        async () => ((await step(orderId)) === 'awaiting dispatch' ? true : undefined),
        180_000,
        `order ${orderId}'s saga to await dispatch after the restart`,
      );
      await send(`/shipments/${orderId}/dispatch`, undefined, [200]);
    }),
  );
  const confirmed = await eventually(
    async () => {
      const counts = await countsBy(
        cluster.pool,
        `select stream_id as key, count(*) from events where event_type = 'OrderConfirmed' group by stream_id`,
      );
      return counts.size === orders ? counts : undefined;
    },
    180_000,
    'every order to be confirmed',
  );
  expect([...confirmed.values()].every((count) => count === 1)).toBe(true);
  const cancelled = await countsBy(
    cluster.pool,
    `select 'all' as key, count(*) from events where event_type = 'OrderCancelled'`,
  );
  expect(cancelled.get('all')).toBe(0);
  const statuses = await Promise.all(
    ids.map(
      async (id) => (await call<{ status: string }>(procession.url, 'GET', `/orders/${id}`)).body.status,
    ),
  );
  expect(statuses).toEqual(ids.map(() => 'confirmed'));

  report('temporal-kill', {
    orders,
    kills: 1,
    lost: 0,
    doubled: 0,
    awaitingAtKill: stepsAtKill.filter((s) => s === 'awaiting dispatch').length,
    downMs: restartedAt - killedAt,
    reconnectedMs,
    totalSeconds: Math.round((Date.now() - started) / 1000),
  });
});
