import { randomUUID } from 'node:crypto';
import { call, randomBetween, startFaultCluster, type FaultCluster, type RoleProcess } from './cluster';
import { countsBy, report } from './seed';

// kill -9 the API three times (a quarter, half and three quarters of the way) while 200 clients send commands with an Idempotency-Key and retry after
// any error: every command takes effect exactly once (receiving stock twice would show as double stock).
const clients = 200;
const receiptsPerClient = 5;
let cluster: FaultCluster;
let api: RoleProcess;

beforeAll(async () => {
  cluster = await startFaultCluster('api-kill');
  api = await cluster.spawn('api', 'api');
}, 180_000);

afterAll(async () => {
  await cluster?.close();
});

test('every command applied exactly once across three API kills', async () => {
  const started = Date.now();
  const run = randomUUID().slice(0, 8);
  let retries = 0;
  let recordedCommands = 0;
  let lastSuccess = Date.now();
  let succeeded = 0;
  /** One command, sent with one key until a 2xx; connection errors and 5xx are retried, 4xx are not. */
  async function command(urlPath: string, body: unknown): Promise<void> {
    const key = randomUUID();
    for (;;) {
      const answer = await call(api.url, 'POST', urlPath, body, { 'idempotency-key': key });
      if (answer.status >= 200 && answer.status < 300) {
        lastSuccess = Date.now();
        succeeded++;
        return;
      }
      if (answer.status >= 400 && answer.status < 500 && answer.status !== 409)
        throw new Error(`${urlPath} → ${answer.status} ${JSON.stringify(answer.body)}`);
      retries++;
      await new Promise((resolve) => setTimeout(resolve, randomBetween(20, 200)));
    }
  }
  const work = Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      await command('/customers', { customerId: `k-${run}-${client}`, name: 'K', email: 'k@example.com' });
      for (let receipt = 0; receipt < receiptsPerClient; receipt++)
        await command(`/inventory/sku-${run}-${client}/receive`, { quantity: 1 });
    }),
  );

  const recoveries: number[] = [];
  let finished = false;
  void work.then(() => (finished = true));
  // Kills land at points of progress (with some jitter), not after fixed delays: grouped commands finish
  // the workload fast enough that timed kills once came too late for the second.
  const total = clients * (receiptsPerClient + 1);
  for (let kill = 0; kill < 3 && !finished; kill++) {
    const due = ((kill + 1) * total) / 4 + randomBetween(-total / 20, total / 20);
    while (succeeded < due && !finished) await new Promise((resolve) => setTimeout(resolve, 5));
    if (finished) break;
    await api.kill();
    const killedAt = Date.now();
    await api.start();
    while (lastSuccess < killedAt && !finished) await new Promise((resolve) => setTimeout(resolve, 20));
    recoveries.push(Date.now() - killedAt);
  }
  await work;

  const received = await countsBy(
    cluster.pool,
    `select stream_id as key, count(*) from events where event_type = 'StockReceived' and stream_id like $1 group by 1`,
    [`inventory-sku-${run}-%`],
  );
  const registered = await countsBy(
    cluster.pool,
    `select stream_id as key, count(*) from events where event_type = 'CustomerRegistered' and stream_id like $1 group by 1`,
    [`customer-k-${run}-%`],
  );
  const doubled =
    [...received.values()].filter((count) => count > receiptsPerClient).length +
    [...registered.values()].filter((count) => count > 1).length;
  const lost = [...Array(clients).keys()].filter(
    (client) =>
      received.get(`inventory-sku-${run}-${client}`) !== receiptsPerClient ||
      registered.get(`customer-k-${run}-${client}`) !== 1,
  ).length;
  for (const answer of await Promise.all(
    [0, 1, 2].map((client) => call<{ onHand: number }>(api.url, 'GET', `/inventory/sku-${run}-${client}`)),
  ))
    expect(answer.body.onHand).toBe(receiptsPerClient);
  recordedCommands = (
    await countsBy(
      cluster.pool,
      `select 'all' as key, count(*) from processed_commands where command_id like 'http:%'`,
    )
  ).get('all')!;
  expect({ lost, doubled }).toEqual({ lost: 0, doubled: 0 });
  expect(recordedCommands).toBe(clients * (receiptsPerClient + 1));
  expect(api.kills).toBe(3);

  report('api-kill', {
    clients,
    commands: clients * (receiptsPerClient + 1),
    kills: api.kills,
    retries,
    lost,
    doubled,
    recoveryMs: recoveries,
    totalSeconds: Math.round((Date.now() - started) / 1000),
  });
});
