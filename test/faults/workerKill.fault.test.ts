import { bulkItemCommandId } from '../../engine/bulk/bulkTask';
import { eventually } from '../../engine/testing/eventually';
import { call, randomBetween, startFaultCluster, type FaultCluster, type RoleProcess } from './cluster';
import { countsBy, report, seedCustomers } from './seed';

// kill -9 the worker three times while a bulk task disables 20,000 customers: each is disabled exactly
// once and the counts recorded on the bulk stream match the log.
const customers = 20_000;
let cluster: FaultCluster;
let api: RoleProcess;
let worker: RoleProcess;

beforeAll(async () => {
  cluster = await startFaultCluster('worker-kill');
  api = await cluster.spawn('api+relay+projections', 'api,relay,projections');
  // Small pages, so a kill lands among several pages in flight.
  worker = await cluster.spawn('worker', 'worker', { BULK_PAGE_SIZE: '50' });
}, 180_000);

afterAll(async () => {
  await cluster?.close();
});

interface HeldItem {
  itemId: string;
  /** The backend of the scenario's transaction holding the row. */
  pid: number;
  release(): Promise<void>;
}

/** Holds, uncommitted, the processed-command row the bulk task will insert for `itemId`. */
async function holdItem(bulkId: string, itemId: string): Promise<HeldItem> {
  const client = await cluster.pool.connect();
  await client.query('begin');
  await client.query(
    `insert into processed_commands (command_id, stream_id, command_type, request_hash, result)
     values ($1, $2, 'HeldByTheScenario', '', '{}')`,
    [bulkItemCommandId(bulkId, itemId), `customer-${itemId}`],
  );
  const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
  let released = false;
  return {
    itemId,
    pid: rows[0]!.pid,
    release: async () => {
      if (released) return;
      released = true;
      await client.query('rollback');
      client.release();
    },
  };
}

/**
 * A backend opened by the current worker process waiting on `held`, directly or behind others: a page in
 * flight on that item. Behind others, because a killed worker's backend can still be waiting on the row
 * with that page's events inserted, and the retried page then waits on it.
 */
async function pageWaitingOn(held: HeldItem, workerStartedAt: number): Promise<true | undefined> {
  const { rows } = await cluster.pool.query(
    `with recursive blocked_by(pid, depth) as (
       select pid, 0 from pg_stat_activity
       where backend_start >= $2::timestamptz and wait_event_type = 'Lock' and pid <> $1
       union all
       select blocking, depth + 1 from blocked_by, unnest(pg_blocking_pids(blocked_by.pid)) as blocking
       where depth < 4
     )
     select 1 from blocked_by where pid = $1 limit 1`,
    [held.pid, new Date(workerStartedAt).toISOString()],
  );
  return rows.length > 0 ? true : undefined;
}

interface Progress {
  status: string;
  total: number;
  processed: number;
  changed: number;
  unchanged: number;
  failed: number;
}

test('every customer disabled exactly once across three worker kills', async () => {
  const started = Date.now();
  const { ids, lastPosition } = await seedCustomers(cluster.pool, 'wk', customers);
  const ready = await call(
    api.url,
    'GET',
    `/customers/${ids.at(-1)}?minPosition=${lastPosition}&waitMs=60000`,
  );
  expect(ready.status).toBe(200);

  const requested = await call<{ bulkId: string }>(api.url, 'POST', '/bulk/disable-all-customers', {
    reason: 'kills',
  });
  expect(requested.status).toBe(202);
  const { bulkId } = requested.body;
  const progress = async () => (await call<Progress>(api.url, 'GET', `/bulk/${bulkId}`)).body;

  // The kills' barrier, whatever the bulk's speed: for each kill, an open transaction of the scenario's
  // holds an uncommitted processed_commands row with the command id the task will use for one customer,
  // so the page holding that customer waits on it, in flight, until the scenario lets go. The three
  // customers are spread through the set, and the task cannot complete while any is held.
  const blockers = await Promise.all(
    [0.3, 0.6, 0.9].map((share) =>
      holdItem(bulkId, ids[Math.floor(customers * share + randomBetween(-500, 500))]!),
    ),
  );

  const recoveries: number[] = [];
  const killThreeTimes = async () => {
    for (let kill = 0; kill < 3; kill++) {
      const blocker = blockers[kill]!;
      await eventually(
        () => pageWaitingOn(blocker, worker.startedAt),
        120_000,
        `a page of the worker started at ${new Date(worker.startedAt).toISOString()} to wait on customer ${blocker.itemId}`,
      ).catch(async (error: unknown) => {
        const { rows } = await cluster.pool.query(
          `select pid, backend_start, wait_event_type, wait_event, pg_blocking_pids(pid) as blocked_by,
                  left(query, 100) as query
           from pg_stat_activity where datname = current_database() order by backend_start`,
        );
        console.log(
          `[fault] worker-kill barrier not met; the scenario's row is held by backend ${blocker.pid}; ` +
            `progress ${JSON.stringify(await progress())}; backends:\n${rows.map((row) => JSON.stringify(row)).join('\n')}`,
        );
        throw error;
      });
      await new Promise((resolve) => setTimeout(resolve, randomBetween(0, 200)));
      // Read before the kill: without a worker the saga cannot answer its progress query.
      const processedAtKill = (await progress()).processed;
      expect(processedAtKill).toBeLessThan(customers);
      console.log(
        `[fault] worker-kill ${kill + 1}: a page in flight on ${blocker.itemId}, ${processedAtKill} processed`,
      );
      await worker.kill();
      const killedAt = Date.now();
      await blocker.release();
      await worker.start();
      await eventually(
        async () => ((await progress()).processed > processedAtKill ? true : undefined),
        120_000,
        `progress past ${processedAtKill} after kill ${kill + 1}`,
      ).catch(async (error: unknown) => {
        // What the processes said is the only trace of why a restarted worker did not go on.
        console.log(
          `[fault] worker-kill stalled at ${JSON.stringify(await progress())}\n${worker.logs()}\n${api.logs()}`,
        );
        throw error;
      });
      recoveries.push(Date.now() - killedAt);
    }
  };
  try {
    await killThreeTimes();
  } finally {
    // Held rows would keep the pool, and with it the cluster's shutdown, waiting.
    await Promise.all(blockers.map((blocker) => blocker.release()));
  }

  const done = await eventually(
    async () => {
      const now = await progress();
      return now.status === 'completed' ? now : undefined;
    },
    300_000,
    'the bulk task to complete',
  );

  // SQL: one CustomerDisabled per customer, each from this run, and one processed command per customer.
  const disabled = await countsBy(
    cluster.pool,
    `select stream_id as key, count(*) from events where event_type = 'CustomerDisabled' group by stream_id`,
  );
  const doubled = [...disabled.values()].filter((count) => count > 1).length;
  const lost = ids.filter((id) => !disabled.has(`customer-${id}`)).length;
  const fromRun = await countsBy(
    cluster.pool,
    `select 'run' as key, count(*) from events
     where event_type = 'CustomerDisabled' and metadata->>'commandId' like $1`,
    [`bulk:${bulkId}:%`],
  );
  const commands = await countsBy(
    cluster.pool,
    `select 'run' as key, count(*) from processed_commands where command_id like $1`,
    [`bulk:${bulkId}:%`],
  );
  expect({ lost, doubled }).toEqual({ lost: 0, doubled: 0 });
  expect(done).toMatchObject({
    total: customers,
    processed: customers,
    changed: customers,
    unchanged: 0,
    failed: 0,
  });
  expect(fromRun.get('run')).toBe(done.changed);
  expect(commands.get('run')).toBe(customers);

  // Through the API: the recorded outcome, nobody active, nothing parked.
  const active = await call<{ items: unknown[] }>(api.url, 'GET', '/customers?status=active&limit=10');
  expect(active.body.items).toEqual([]);
  const parked = await call<{ items: unknown[] }>(api.url, 'GET', '/parked-events');
  expect(parked.body.items).toEqual([]);
  expect(worker.kills).toBe(3);

  report('worker-kill', {
    customers,
    kills: worker.kills,
    lost,
    doubled,
    recoveryMs: recoveries,
    totalSeconds: Math.round((Date.now() - started) / 1000),
  });
});
