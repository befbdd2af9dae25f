import { randomUUID } from 'node:crypto';
import { eventually } from '../../engine/testing/eventually';
import { call, startFaultCluster, type FaultCluster, type RoleProcess } from './cluster';
import { countsBy, report } from './seed';

// Two processes of every role against one PostgreSQL and one Temporal: both APIs and both workers share
// the load, one relay and one runner per projection read while the other waits. kill -9 one process
// mid-way: the other takes over within seconds; nothing is doubled, no saga starts twice.
const orders = 120;
let cluster: FaultCluster;
let processes: RoleProcess[];

beforeAll(async () => {
  cluster = await startFaultCluster('scale-out');
  const roles = 'api,worker,relay,projections';
  const env = { ORDER_DISPATCH_DEADLINE: '3 minutes' };
  processes = [await cluster.spawn('a', roles, env), await cluster.spawn('b', roles, env)];
}, 180_000);

afterAll(async () => {
  await cluster?.close();
});

const address = { name: 'S', line1: '1 Scale St', city: 'Bath', postalCode: 'BA1', country: 'GB' };
const activeIn = (process: RoleProcess, what: RegExp) =>
  process.alive &&
  process
    .linesSinceStart()
    .filter((line) => what.test(line))
    .at(-1)
    ?.includes(' active');

async function send<T>(urlPath: string, body: unknown, accept: number[]): Promise<T> {
  const key = randomUUID();
  for (let attempt = 0; ; attempt++) {
    // Alternate between the APIs; a dead one refuses the connection and the other answers.
    const target = processes[attempt % 2]!;
    const answer = await call<T>(target.url, 'POST', urlPath, body, { 'idempotency-key': key });
    if (accept.includes(answer.status)) return answer.body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('two of every role: work is shared, leadership moves within seconds, nothing is doubled', async () => {
  const started = Date.now();
  const relayLine = /relay is (active|on standby)/;
  const projectionLine = /customers projection is (active|on standby)/;
  await eventually(
    async () => (processes.some((p) => activeIn(p, relayLine)) ? true : undefined),
    30_000,
    'one of the processes to become the active relay',
  );
  expect(processes.filter((p) => activeIn(p, relayLine))).toHaveLength(1);
  expect(processes.filter((p) => activeIn(p, projectionLine))).toHaveLength(1);

  const { customerId } = await send<{ customerId: string }>(
    '/customers',
    { name: 'S', email: 's@example.com' },
    [201],
  );
  const sku = `sku-${randomUUID()}`;
  await send(`/inventory/${sku}/receive`, { quantity: orders }, [200]);
  const placeAndDispatch = async () => {
    const { orderId } = await send<{ orderId: string }>(
      '/orders',
      {
        customerId,
        lines: [{ sku, quantity: 1, unitPriceCents: 100 }],
        paymentMethod: 'pm_card_ok',
        shippingAddress: address,
      },
      [202],
    );
    await send(`/shipments/${orderId}/dispatch`, undefined, [200]);
    return orderId;
  };
  const first = await Promise.all(Array.from({ length: orders / 2 }, placeAndDispatch));

  // Kill the process holding the relay's lock: the other one's relay takes over.
  const leader = processes.find((p) => activeIn(p, relayLine))!;
  const survivor = processes.find((p) => p !== leader)!;
  await leader.kill();
  const killedAt = Date.now();
  await eventually(async () => (activeIn(survivor, relayLine) ? true : undefined), 30_000, 'relay takeover');
  const relayTakeoverMs = Date.now() - killedAt;
  await eventually(
    async () => (activeIn(survivor, projectionLine) ? true : undefined),
    30_000,
    'projection takeover',
  );
  const projectionTakeoverMs = Date.now() - killedAt;
  const second = await Promise.all(Array.from({ length: orders / 2 }, placeAndDispatch));
  const ids = [...first, ...second];

  await eventually(
    async () => {
      const settled = await countsBy(
        cluster.pool,
        `select 'all' as key, count(*) from events where event_type = 'OrderConfirmed'`,
      );
      return settled.get('all') === orders ? true : undefined;
    },
    240_000,
    'every order to be confirmed',
  );
  const perOrder = await countsBy(
    cluster.pool,
    `select stream_id || ':' || event_type as key, count(*) from events where stream_id like 'order-%' group by 1`,
  );
  const doubled = [...perOrder.values()].filter((count) => count > 1).length;
  const runs = new Map<string, number>();
  for await (const execution of cluster.temporal.client.workflow.list({
    query: `WorkflowType = 'orderFulfillment'`,
  }))
    runs.set(execution.workflowId, (runs.get(execution.workflowId) ?? 0) + 1);
  const startedTwice = [...runs.values()].filter((count) => count > 1).length;
  const lost = ids.filter((id) => perOrder.get(`order-${id}:OrderConfirmed`) !== 1).length;
  expect({ lost, doubled, startedTwice, sagas: runs.size }).toEqual({
    lost: 0,
    doubled: 0,
    startedTwice: 0,
    sagas: orders,
  });
  // Every unit reserved was shipped once; the survivor's read model holds the one customer once.
  const stock = await call<{ onHand: number; reserved: number }>(survivor.url, 'GET', `/inventory/${sku}`);
  expect(stock.body).toMatchObject({ onHand: 0, reserved: 0 });
  const read = await call<{ items: unknown[] }>(survivor.url, 'GET', `/customers?limit=10`);
  expect(read.body.items).toHaveLength(1);

  report('scale-out', {
    processes: 2,
    orders,
    kills: 1,
    lost,
    doubled,
    startedTwice,
    relayTakeoverMs,
    projectionTakeoverMs,
    totalSeconds: Math.round((Date.now() - started) / 1000),
  });
});
