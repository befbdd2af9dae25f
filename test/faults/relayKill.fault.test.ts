import { randomUUID } from 'node:crypto';
import { eventually } from '../../engine/testing/eventually';
import { call, startFaultCluster, type FaultCluster, type RoleProcess } from './cluster';
import { countsBy, report } from './seed';

// kill -9 the active relay twice while 500 orders are placed (a second relay waits as hot standby and
// the killed one comes back): every order's saga starts exactly once, none is skipped, every order ends.
const orders = 500;
let cluster: FaultCluster;
let api: RoleProcess;
const relays: RoleProcess[] = [];
const relayEnv = { ORDER_DISPATCH_DEADLINE: '20 seconds' };

beforeAll(async () => {
  cluster = await startFaultCluster('relay-kill');
  api = await cluster.spawn('api+worker+projections', 'api,worker,projections');
  relays.push(await cluster.spawn('relay-a', 'relay', relayEnv));
  relays.push(await cluster.spawn('relay-b', 'relay', relayEnv));
}, 180_000);

afterAll(async () => {
  await cluster?.close();
});

const address = { name: 'R', line1: '1 Relay Rd', city: 'Leeds', postalCode: 'LS1', country: 'GB' };

/** A command sent until the API answers it; the Idempotency-Key makes the retries one command. */
async function send<T>(urlPath: string, body: unknown, accept: number[], retryMs = 100): Promise<T> {
  const key = randomUUID();
  for (;;) {
    const answer = await call<T>(api.url, 'POST', urlPath, body, { 'idempotency-key': key });
    if (accept.includes(answer.status)) return answer.body;
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
}

function activeRelay(): RoleProcess | undefined {
  return relays.find((relay) => {
    if (!relay.alive) return false;
    const lines = relay.linesSinceStart().filter((line) => /relay is (active|on standby)/.test(line));
    return lines.at(-1)?.includes('relay is active') ?? false;
  });
}

test('every order saga starts exactly once across two relay kills, and every order settles', async () => {
  const started = Date.now();
  const { customerId } = await send<{ customerId: string }>(
    '/customers',
    { name: 'R', email: 'r@example.com' },
    [201],
  );
  const sku = `sku-${randomUUID()}`;
  await send(`/inventory/${sku}/receive`, { quantity: orders }, [200]);

  const placed: string[] = [];
  const dispatched: Promise<unknown>[] = [];
  const takeovers: number[] = [];
  const killAt = new Set([120, 330]);
  for (let next = 0; next < orders; next += 10) {
    const batch = await Promise.all(
      Array.from({ length: 10 }, () =>
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
    for (const { orderId } of batch) {
      // Every fifth order is dispatched (confirmed, unless its deadline came first); the others wait out
      // the dispatch deadline (cancelled). Either way the order ends.
      if (placed.length % 5 === 0)
        dispatched.push(send(`/shipments/${orderId}/dispatch`, undefined, [200], 500));
      placed.push(orderId);
    }
    if (killAt.has(placed.length)) {
      const active = await eventually(async () => activeRelay(), 30_000, 'an active relay');
      await active.kill();
      const killedAt = Date.now();
      await eventually(async () => activeRelay(), 30_000, 'the standby to take over');
      takeovers.push(Date.now() - killedAt);
      await active.start();
    }
  }
  await Promise.all(dispatched);

  const settled = await eventually(
    async () => {
      const counts = await countsBy(
        cluster.pool,
        `select event_type as key, count(*) from events where stream_id like 'order-%' group by event_type`,
      );
      return (counts.get('OrderConfirmed') ?? 0) + (counts.get('OrderCancelled') ?? 0) === orders
        ? counts
        : undefined;
    },
    180_000,
    'every order to settle',
  );
  const perOrder = await countsBy(
    cluster.pool,
    `select stream_id || ':' || event_type as key, count(*) from events where stream_id like 'order-%' group by 1`,
  );
  const lost = placed.filter(
    (id) => !perOrder.has(`order-${id}:OrderConfirmed`) && !perOrder.has(`order-${id}:OrderCancelled`),
  ).length;
  const doubled = [...perOrder.values()].filter((count) => count > 1).length;

  // Temporal: one run per order saga, none missing.
  const runs = new Map<string, number>();
  for await (const execution of cluster.temporal.client.workflow.list({
    query: `WorkflowType = 'orderFulfillment'`,
  }))
    runs.set(execution.workflowId, (runs.get(execution.workflowId) ?? 0) + 1);
  const startedTwice = [...runs.values()].filter((count) => count > 1).length;
  const skipped = placed.filter((id) => !runs.has(`order-fulfillment:${id}`)).length;

  expect({ lost, doubled, startedTwice, skipped }).toEqual({
    lost: 0,
    doubled: 0,
    startedTwice: 0,
    skipped: 0,
  });
  expect(settled.get('OrderConfirmed')).toBeGreaterThan(0);
  expect(settled.get('OrderCancelled')).toBeGreaterThanOrEqual((orders * 4) / 5);
  const statuses = new Set(
    await Promise.all(
      placed.map(async (id) => (await call<{ status: string }>(api.url, 'GET', `/orders/${id}`)).body.status),
    ),
  );
  expect([...statuses].sort()).toEqual(['cancelled', 'confirmed']);
  const parked = await call<{ items: Array<{ reason: string }> }>(api.url, 'GET', '/parked-events');
  expect(parked.body.items).toEqual([]);
  const kills = relays.reduce((sum, relay) => sum + relay.kills, 0);
  expect(kills).toBe(2);

  report('relay-kill', {
    orders,
    kills,
    lost,
    doubled,
    startedTwice,
    skipped,
    confirmed: settled.get('OrderConfirmed'),
    cancelled: settled.get('OrderCancelled'),
    takeoverMs: takeovers,
    totalSeconds: Math.round((Date.now() - started) / 1000),
  });
});
