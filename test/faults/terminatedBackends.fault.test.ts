import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { connectionConfig } from '../../engine/eventstore/database';
import { eventually } from '../../engine/testing/eventually';
import { call, startFaultCluster, type FaultCluster, type RoleProcess } from './cluster';
import { countsBy, report, seedCustomers } from './seed';

// What a failover, a PostgreSQL restart or an operator's pg_terminate_backend does to a running process:
// every connection of the database cut, again and again, during a bulk task and a stream of orders. The
// process stays up, the bulk task completes once per customer, every order is placed and settled once.
const customers = 5_000;
const orders = 40;
const rounds = 5;
let cluster: FaultCluster;
let procession: RoleProcess;

beforeAll(async () => {
  cluster = await startFaultCluster('terminated-backends');
  // Small pages keep the bulk task running across several rounds of terminations.
  procession = await cluster.spawn('all-roles', 'api,worker,relay,projections', {
    ORDER_DISPATCH_DEADLINE: '3 minutes',
    BULK_PAGE_SIZE: '50',
  });
}, 180_000);

afterAll(async () => {
  await cluster?.close();
});

/** Terminates every backend of the database but the killer's own; returns how many. */
async function terminateAllBackends(): Promise<number> {
  const admin = new Client(connectionConfig(cluster.databaseUrl));
  admin.on('error', () => {});
  await admin.connect();
  try {
    const result = await admin.query<{ terminated: boolean }>(
      `select pg_terminate_backend(pid) as terminated from pg_stat_activity
       where datname = current_database() and pid <> pg_backend_pid()`,
    );
    return result.rows.filter((row) => row.terminated).length;
  } finally {
    await admin.end();
  }
}

/** A careful client: the same Idempotency-Key until the server says it is done. */
async function send<T>(urlPath: string, body: unknown, accept: number[]): Promise<T> {
  const key = randomUUID();
  for (;;) {
    const answer = await call<T>(procession.url, 'POST', urlPath, body, { 'idempotency-key': key });
    if (accept.includes(answer.status)) return answer.body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const address = { name: 'Ada', line1: '1 Loop Rd', city: 'London', postalCode: 'N1', country: 'GB' };

test('every backend terminated again and again: nothing lost, nothing doubled, the process stays up', async () => {
  const started = Date.now();
  const { ids, lastPosition } = await seedCustomers(cluster.pool, 'term', customers);
  expect(
    (await call(procession.url, 'GET', `/customers/${ids.at(-1)}?minPosition=${lastPosition}&waitMs=60000`))
      .status,
  ).toBe(200);
  const { bulkId } = await send<{ bulkId: string }>(
    '/bulk/disable-all-customers',
    { reason: 'terminations' },
    [202],
  );

  // Orders from a customer registered after the bulk task's bound: it must leave them alone.
  const { customerId: buyer } = await send<{ customerId: string }>(
    '/customers',
    { name: 'B', email: 'b@example.com' },
    [201],
  );
  const sku = `sku-${randomUUID()}`;
  await send(`/inventory/${sku}/receive`, { quantity: orders }, [200]);
  const orderStream = (async () => {
    const placed: string[] = [];
    for (let i = 0; i < orders; i += 4) {
      const batch = await Promise.all(
        [0, 1, 2, 3].map(async () => {
          const { orderId } = await send<{ orderId: string }>(
            '/orders',
            {
              customerId: buyer,
              lines: [{ sku, quantity: 1, unitPriceCents: 500 }],
              paymentMethod: 'pm_card_ok',
              shippingAddress: address,
            },
            [202],
          );
          // 404/409 until the saga has scheduled the shipment; a dropped connection answers 5xx: retried.
          await send(`/shipments/${orderId}/dispatch`, undefined, [200]);
          return orderId;
        }),
      );
      placed.push(...batch);
    }
    return placed;
  })();

  const terminated: number[] = [];
  for (let round = 0; round < rounds; round++) {
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    terminated.push(await terminateAllBackends());
  }
  expect(terminated.every((count) => count > 0)).toBe(true);

  const done = await eventually(
    async () => {
      const progress = await call<{ status: string; total: number; processed: number; changed: number }>(
        procession.url,
        'GET',
        `/bulk/${bulkId}`,
      );
      return progress.body.status === 'completed' ? progress.body : undefined;
    },
    300_000,
    'the bulk task to complete',
  );
  const orderIds = await orderStream;
  await eventually(
    async () => {
      const settled = await countsBy(
        cluster.pool,
        `select 'all' as key, count(*) from events where event_type in ('OrderConfirmed', 'OrderCancelled')`,
      );
      return settled.get('all') === orders ? true : undefined;
    },
    180_000,
    'every order to settle',
  );
  expect(procession.alive).toBe(true);
  expect(procession.logs()).toMatch(/PostgreSQL connection lost/);

  const disabled = await countsBy(
    cluster.pool,
    `select stream_id as key, count(*) from events where event_type = 'CustomerDisabled' group by stream_id`,
  );
  const lostCustomers = ids.filter((id) => disabled.get(`customer-${id}`) !== 1).length;
  expect(lostCustomers).toBe(0);
  expect(disabled.has(`customer-${buyer}`)).toBe(false);
  expect(done).toMatchObject({ total: customers, processed: customers, changed: customers });

  const perOrder = await countsBy(
    cluster.pool,
    `select stream_id || ':' || event_type as key, count(*) from events where stream_id = any($1) group by 1`,
    [orderIds.map((orderId) => `order-${orderId}`)],
  );
  const doubled = [...perOrder.values()].filter((count) => count > 1).length;
  expect(doubled).toBe(0);
  for (const orderId of orderIds) expect(perOrder.get(`order-${orderId}:OrderConfirmed`)).toBe(1);
  expect(new Set(orderIds).size).toBe(orders);
  const parked = await call<{ items: unknown[] }>(procession.url, 'GET', '/parked-events?status=parked');
  expect(parked.body.items).toEqual([]);

  report('terminated-backends', {
    customers,
    orders,
    rounds,
    backendsTerminated: terminated,
    lost: lostCustomers,
    doubled,
    totalSeconds: Math.round((Date.now() - started) / 1000),
  });
});
