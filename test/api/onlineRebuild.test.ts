import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { inAppendTransaction } from '../../engine/eventstore/transaction';
import {
  rebuildOnline,
  RebuildAlreadyRunning,
  startOnlineRebuild,
} from '../../engine/projections/onlineRebuild';
import { runProjection } from '../../engine/projections/projectionRunner';
import type { LogSubscription } from '../../engine/eventstore/subscription';
import { customersProjection } from '../../projections/customers/customersProjection';
import { OnlineRebuildRefused } from '../../engine/eventstore/shadowTables';
import { startApiTest, type ApiTest } from './apiHarness';

// Blue/green: the customers read model is rebuilt into a second set of tables while reads and writes go on
// against the live set, then swapped in. No read may fail, and no read given ?minPosition= may answer from
// a state older than that position, before, during or after the swap.
let api: ApiTest;
let live: LogSubscription;

const seeded = 50_000;

beforeAll(async () => {
  api = await startApiTest('api-online-rebuild');
  // The seed goes straight into the log (one statement), as 50,000 registrations would have.
  await inAppendTransaction(api.database.pool, (client) =>
    client.query(
      `insert into events (event_id, stream_id, stream_version, event_type, data, metadata)
       select gen_random_uuid(), 'customer-seed-' || n, 1, 'CustomerRegistered',
              jsonb_build_object('customerId', 'seed-' || n, 'name', 'Seed ' || n, 'email', 'seed' || n || '@example.com'),
              jsonb_build_object('correlationId', gen_random_uuid(), 'causationId', gen_random_uuid(),
                                 'actor', 'test-seed', 'commandId', gen_random_uuid(), 'commandType', 'RegisterCustomer')
       from generate_series(1, $1::int) as n`,
      [seeded],
    ),
  );
  await api.project();
  live = runProjection(api.database.pool, customersProjection, { pollIntervalMs: 50 });
  live.start();
}, 120_000);

afterAll(async () => {
  await live?.stop();
  await api?.close();
});

interface Tally {
  /** Each customer written, with the position and status of its last write. */
  written: Map<string, { position: string; status: string }>;
  rounds: number;
  roundsWhileBuilding: number;
  errors: string[];
  stale: string[];
}

/** Register, read it back at its position, disable, read that back: over and over until told to stop. */
async function readYourWritesLoop(tally: Tally, building: () => boolean, stop: () => boolean) {
  const expectRead = async (customerId: string, position: string, status: string) => {
    const read = await api.request({
      method: 'GET',
      url: `/customers/${customerId}?minPosition=${position}`,
    });
    if (read.statusCode !== 200) tally.errors.push(`GET ${customerId}: ${read.statusCode} ${read.body}`);
    else if (read.json().status !== status)
      tally.stale.push(`${customerId}: ${read.json().status} at ${position}`);
  };
  while (!stop()) {
    const duringBuild = building();
    const registered = await api.request({
      method: 'POST',
      url: '/customers',
      payload: { name: 'Live', email: 'live@example.com' },
    });
    if (registered.statusCode !== 201) {
      tally.errors.push(`POST /customers: ${registered.statusCode} ${registered.body}`);
      continue;
    }
    const { customerId, position } = registered.json();
    tally.written.set(customerId, { position, status: 'active' });
    await expectRead(customerId, position, 'active');
    const disabled = await api.request({
      method: 'POST',
      url: `/customers/${customerId}/disable`,
      payload: { reason: 'rebuild-test' },
    });
    if (disabled.statusCode !== 200) tally.errors.push(`disable: ${disabled.statusCode} ${disabled.body}`);
    else {
      tally.written.set(customerId, { position: disabled.json().position, status: 'disabled' });
      await expectRead(customerId, disabled.json().position, 'disabled');
    }
    const seed = `seed-${1 + Math.floor(Math.random() * seeded)}`;
    const old = await api.request({ method: 'GET', url: `/customers/${seed}` });
    if (old.statusCode !== 200) tally.errors.push(`GET ${seed}: ${old.statusCode} ${old.body}`);
    tally.rounds += 1;
    if (duringBuild && building()) tally.roundsWhileBuilding += 1;
  }
}

test('a rebuild of 50,000 customers swaps in while reads and writes go on: 0 errors, 0 stale reads', async () => {
  const tally: Tally = { written: new Map(), rounds: 0, roundsWhileBuilding: 0, errors: [], stale: [] };
  let phase = 'none';
  let stopping = false;
  const loops = Array.from({ length: 4 }, () =>
    readYourWritesLoop(
      tally,
      () => phase === 'building',
      () => stopping,
    ),
  );
  await sleep(300);

  const started = await api.request({ method: 'POST', url: '/read-models/customers/rebuild?mode=online' });
  expect(started.statusCode).toBe(202);
  expect(started.headers.location).toBe('/read-models/customers');
  expect(started.json().rebuild).toMatchObject({ phase: 'building', running: true });
  phase = 'building';
  const again = await api.request({ method: 'POST', url: '/read-models/customers/rebuild?mode=online' });
  expect(again.statusCode).toBe(409);
  expect(again.json().message).toMatch(/already running.*GET \/read-models\/customers/);

  const positions: string[] = [];
  for (const deadline = Date.now() + 90_000; phase !== 'done' && phase !== 'failed';) {
    if (Date.now() > deadline) throw new Error('the online rebuild did not finish in 90 s');
    const watched = (await api.request({ method: 'GET', url: '/read-models/customers' })).json();
    phase = watched.rebuild.phase;
    if (watched.rebuild.position) positions.push(watched.rebuild.position);
    await sleep(100);
  }
  await sleep(500); // reads and writes on the swapped-in tables too
  stopping = true;
  await Promise.all(loops);

  const watched = (await api.request({ method: 'GET', url: '/read-models/customers' })).json();
  expect(watched.rebuild).toMatchObject({ phase: 'done', running: false, error: null, position: null });
  expect(BigInt(watched.rebuild.eventsApplied)).toBeGreaterThanOrEqual(BigInt(seeded));
  // Every write of the run, read back from the swapped-in tables at its position.
  for (const [customerId, { position, status }] of tally.written) {
    const read = await api.request({
      method: 'GET',
      url: `/customers/${customerId}?minPosition=${position}&waitMs=2000`,
    });
    if (read.statusCode !== 200)
      tally.errors.push(`GET ${customerId} after: ${read.statusCode} ${read.body}`);
    else if (read.json().status !== status) tally.stale.push(`${customerId} after: ${read.json().status}`);
  }
  expect(tally.errors).toEqual([]);
  expect(tally.stale).toEqual([]);
  expect(tally.roundsWhileBuilding).toBeGreaterThan(0);
  expect(positions.length).toBeGreaterThan(0); // progress could be watched while it built
  // The new set holds every customer the log registered, each in the state the log says.
  const { rows } = await api.database.pool.query<{ missing: number; wrong: number; total: number }>(
    `with logged as (
       select distinct on (stream_id) data->>'customerId' as id, event_type from events
       where event_type in ('CustomerRegistered', 'CustomerDisabled', 'CustomerEnabled')
       order by stream_id, stream_version desc)
     select count(*) filter (where c.customer_id is null)::int as missing,
            count(*) filter (where c.status <> case when l.event_type = 'CustomerDisabled' then 'disabled' else 'active' end)::int as wrong,
            (select count(*) from customers)::int as total
     from logged l left join customers c on c.customer_id = l.id`,
  );
  expect(rows[0]).toMatchObject({ missing: 0, wrong: 0 });
  expect(rows[0]!.total).toBeGreaterThanOrEqual(seeded + tally.rounds);
  // Same indexes under the same names, and nothing left of the second set.
  const indexes = await api.database.pool.query<{ name: string }>(
    "select indexname as name from pg_indexes where tablename = 'customers' order by 1",
  );
  expect(indexes.rows.map((row) => row.name)).toEqual(
    expect.arrayContaining(['customers_pkey', 'customers_status', 'customers_disabled_reason']),
  );
  const leftovers = await api.database.pool.query(
    "select nspname from pg_namespace where nspname like 'procession_%'",
  );
  expect(leftovers.rows).toEqual([]);
}, 150_000);

test("the swap waits out a stranger's lock without holding up reads, then goes through", async () => {
  const stranger = await api.database.pool.connect();
  try {
    await stranger.query('begin');
    await stranger.query('select count(*) from customers'); // holds the table's share lock until commit
    const logged: string[] = [];
    const { finished } = await startOnlineRebuild(api.database.pool, customersProjection, {
      swapLockTimeoutMs: 200,
      log: (line) => logged.push(line),
    });
    await expect(rebuildOnline(api.database.pool, customersProjection)).rejects.toThrow(
      RebuildAlreadyRunning,
    );
    const waitForRetry = Date.now() + 60_000;
    while (!logged.some((line) => line.includes('trying again')) && Date.now() < waitForRetry)
      await sleep(50);
    // Between attempts the table is free: a read answers while the stranger still holds its lock.
    const read = await api.request({ method: 'GET', url: '/customers/seed-1' });
    expect(read.statusCode).toBe(200);
    await stranger.query('commit');
    const result = await finished;
    expect(result.swapAttempts).toBeGreaterThan(1);
  } finally {
    stranger.release();
  }
  const registered = await api.request({
    method: 'POST',
    url: '/customers',
    payload: { name: 'After', email: 'a@example.com' },
  });
  const read = await api.request({
    method: 'GET',
    url: `/customers/${registered.json().customerId}?minPosition=${registered.json().position}`,
  });
  expect(read.statusCode).toBe(200);
}, 120_000);

test('bad requests for a rebuild answer 4xx and start nothing', async () => {
  const unknownMode = await api.request({
    method: 'POST',
    url: '/read-models/customers/rebuild?mode=sideways',
  });
  expect(unknownMode.statusCode).toBe(400);
  const unknownModel = await api.request({
    method: 'POST',
    url: `/read-models/nope${randomUUID().slice(0, 4)}/rebuild?mode=online`,
  });
  expect(unknownModel.statusCode).toBe(404);
  const asReader = await api.request({
    method: 'POST',
    url: '/read-models/customers/rebuild?mode=online',
    headers: { authorization: 'Bearer ' + 'x'.repeat(8) },
  });
  expect([401, 403]).toContain(asReader.statusCode);
  const watched = (await api.request({ method: 'GET', url: '/read-models/customers' })).json();
  expect(watched.rebuild.phase).toBe('done');
});

test('a read model whose tables an online rebuild cannot copy is refused, saying why, and marked failed', async () => {
  await api.database.pool.query(`create table fk_parent (id text primary key);
    create table fk_child (id text primary key, parent text references fk_parent (id))`);
  const withForeignKey = { ...customersProjection, name: 'fkModel', tables: ['fk_child'] };
  await expect(startOnlineRebuild(api.database.pool, withForeignKey)).rejects.toThrow(
    new OnlineRebuildRefused(
      "table 'fk_child' has foreign keys, which an online rebuild cannot copy; rebuild it in place",
    ),
  );
  const { rows } = await api.database.pool.query(
    "select phase, error from read_model_rebuilds where read_model = 'fkModel'",
  );
  expect(rows).toEqual([{ phase: 'failed', error: expect.stringMatching(/foreign keys/) }]);
  const leftovers = await api.database.pool.query(
    "select nspname from pg_namespace where nspname like 'procession_%'",
  );
  expect(leftovers.rows).toEqual([]);
});
