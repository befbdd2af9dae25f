import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { inAppendTransaction } from '../../engine/eventstore/transaction';
import { call, startFaultCluster, type FaultCluster, type RoleProcess } from './cluster';
import { report } from './seed';

// An online rebuild killed mid-build (SIGKILL: no cleanup) leaves its second set and its checkpoint; the
// live tables keep answering; run again, it resumes where the batches it committed left off, and the
// read model ends exactly as the log says, with every event folded once.
const customers = 300_000;
const root = path.join(__dirname, '..', '..');
let cluster: FaultCluster;
let api: RoleProcess;

beforeAll(async () => {
  cluster = await startFaultCluster('rebuild-kill');
  // Straight into the log, as that many registrations would be: the rebuild is what is under test.
  await inAppendTransaction(cluster.pool, (client) =>
    client.query(
      `insert into events (event_id, stream_id, stream_version, event_type, data, metadata)
       select gen_random_uuid(), 'customer-seed-' || n, 1, 'CustomerRegistered',
              jsonb_build_object('customerId', 'seed-' || n, 'name', 'Seed ' || n, 'email', 'seed@example.com'),
              jsonb_build_object('correlationId', 'seed', 'causationId', 'seed', 'actor', 'test:seed',
                                 'commandId', gen_random_uuid(), 'commandType', 'RegisterCustomer')
       from generate_series(1, $1::int) as n`,
      [customers],
    ),
  );
  api = await cluster.spawn('api+projections', 'api,projections');
  const { rows } = await cluster.pool.query<{ last: string }>(
    'select max(global_position)::text as last from events',
  );
  const caughtUp = await call(api.url, 'GET', `/customers/seed-1?minPosition=${rows[0]!.last}&waitMs=60000`);
  expect(caughtUp.status).toBe(200);
}, 300_000);

afterAll(async () => {
  await cluster?.close();
});

/** `npm run rebuild -- customers --online` as a process of its own, its output collected. */
function startRebuild(): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  // node itself (tsx as a loader), not the tsx command, which runs the script in a child a kill would miss.
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/rebuild.ts', 'customers', '--online'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: cluster.databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

const watch = async () =>
  (await call<{ rebuild: Record<string, unknown> }>(api.url, 'GET', '/read-models/customers')).body.rebuild;

test('a rebuild killed mid-build leaves the live tables serving, and resumes where it stopped', async () => {
  const first = startRebuild();
  // Killed once the second set holds some batches but not all.
  for (const deadline = Date.now() + 120_000; ;) {
    const rebuild = await watch();
    if (rebuild && rebuild.phase === 'building' && BigInt(String(rebuild.eventsApplied)) >= 10_000n) break;
    if (Date.now() > deadline) throw new Error(`the rebuild never got under way:\n${first.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  first.child.kill('SIGKILL');
  await first.exited;
  // Its backends end when PostgreSQL notices the dead connections: the rebuild lock goes with them.
  let interrupted = await watch();
  for (const deadline = Date.now() + 30_000; interrupted?.running && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    interrupted = await watch();
  }
  expect(interrupted).toMatchObject({ phase: 'building', running: false });
  const appliedBeforeKill = BigInt(String(interrupted!.eventsApplied));
  expect(appliedBeforeKill).toBeLessThan(BigInt(customers));
  expect((await call(api.url, 'GET', '/customers/seed-7')).status).toBe(200);

  const second = startRebuild();
  expect(await second.exited).toBe(0);
  expect(second.output()).toMatch(/resuming the second set of tables/);
  expect(second.output()).toMatch(/rebuilt online from \d+ event\(s\) \(resumed\)/);
  const done = await watch();
  // Every registration folded exactly once across the two processes: the count moves with each batch.
  expect(done).toMatchObject({ phase: 'done', running: false, eventsApplied: String(customers) });
  const { rows } = await cluster.pool.query<{ customers: number; leftovers: number }>(
    `select (select count(*) from customers)::int as customers,
            (select count(*) from pg_namespace where nspname like 'procession_re%')::int as leftovers`,
  );
  expect(rows[0]).toEqual({ customers, leftovers: 0 });
  report('rebuild-kill', { customers, appliedBeforeKill: String(appliedBeforeKill) });
}, 300_000);
