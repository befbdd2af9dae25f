import { randomUUID } from 'node:crypto';
import { handleCommandBatch } from '../../engine/commands/batchCommandHandler';
import { shop } from '../../domain/registry';
import type { RunningProcession } from '../../worker/procession';
import { adminCalls } from '../harness/adminCalls';
import { registerCustomers } from '../harness/registerCustomers';
import { startTestProcession, type TestProcession } from '../harness/procession';
import { eventually } from '../harness/sagaHarness';
import { recordHistory } from '../harness/histories';
import { bulkTaskWorkflowId } from '../../engine/bulk/contract';

// A bulk task at a chosen pace, changed while it runs, and one scheduled for later, over HTTP on a
// database of this file's own. The limits are low on purpose: at 10 or 20 items a second this machine
// has a hundred times the headroom, so a rate off by more than 10% is the limiter's doing, not the load.
let running: TestProcession;
let procession: RunningProcession;
const call = adminCalls(() => procession?.apiUrl);

beforeAll(async () => {
  ({ procession } = running = await startTestProcession('bulk-flow'));
});

afterAll(async () => {
  await running?.stop();
});

const seed = (count: number) => registerCustomers(procession.pool, count);

interface Progress {
  status: string;
  processed: number;
  total: number;
  changed: number;
  limits: { maxItemsPerSecond: number | null; maxPagesInFlight: number } | null;
  rate: number | null;
  etaSeconds: number | null;
  runAt: string | null;
}

const workflowOf = (task: string, bulkId: string) =>
  procession.client.workflow.getHandle(bulkTaskWorkflowId(task, bulkId));

const progressOf = async (bulkId: string) => (await call<Progress>('GET', `/bulk/${bulkId}`)).body;

const reaching = (bulkId: string, done: (progress: Progress) => boolean, timeoutMs = 240_000) =>
  eventually(async () => {
    const progress = await progressOf(bulkId);
    return done(progress) ? progress : undefined;
  }, timeoutMs);

/** When each item of a run was changed, in order (the log's own clock). */
async function changeTimes(bulkId: string): Promise<number[]> {
  const { rows } = await procession.pool.query<{ ms: number }>(
    `select extract(epoch from recorded_at) * 1000 as ms from events
      where metadata ->> 'commandId' like $1 order by recorded_at`,
    [`bulk:${bulkId}:%`],
  );
  return rows.map((row) => Number(row.ms));
}

/** Items per second between two moments, counting the items changed in between. */
function rateBetween(times: readonly number[], from: number, to: number): number {
  const inside = times.filter((time) => time >= from && time <= to);
  return (inside.length - 1) / ((inside.at(-1)! - inside[0]!) / 1000);
}

test('a run held to 20 items a second, throttled to 10 while it goes: each pace within 10%, shown with rate and ETA', async () => {
  await seed(1_500);
  const requested = await call<{ bulkId: string }>(
    'POST',
    '/bulk/disable-all-customers?maxItemsPerSecond=20&maxPagesInFlight=2',
    { reason: 'paced' },
  );
  expect(requested.status).toBe(202);
  const { bulkId } = requested.body;

  const early = await reaching(bulkId, (progress) => progress.processed >= 100 && progress.rate !== null);
  expect(early.limits).toEqual({ maxItemsPerSecond: 20, maxPagesInFlight: 2 });
  expect(early.rate! / 20).toBeGreaterThan(0.8);
  expect(early.rate! / 20).toBeLessThan(1.2);
  expect(early.etaSeconds).toBeGreaterThan(30);

  await reaching(bulkId, (progress) => progress.processed >= 800);
  const throttledAt = Date.now();
  const throttled = await call<Progress>('POST', `/bulk/${bulkId}/throttle`, { maxItemsPerSecond: 10 });
  expect(throttled.status).toBe(202);
  expect((await progressOf(bulkId)).limits).toEqual({ maxItemsPerSecond: 10, maxPagesInFlight: 2 });

  expect(await reaching(bulkId, (progress) => progress.status === 'completed')).toMatchObject({
    changed: 1_500,
    processed: 1_500,
  });
  const times = await changeTimes(bulkId);
  expect(times).toHaveLength(1_500);
  const fast = rateBetween(times, times[0]!, throttledAt - 1_000);
  const slow = rateBetween(times, throttledAt + 2_000, times.at(-1)!);
  expect(fast / 20).toBeGreaterThan(0.9);
  expect(fast / 20).toBeLessThan(1.1);
  expect(slow / 10).toBeGreaterThan(0.9);
  expect(slow / 10).toBeLessThan(1.1);
}, 300_000);

test('a run scheduled for later waits as scheduled, starts at its time; one cancelled before then changes nothing', async () => {
  // Its own 60 customers only: disabled for a reason no other test uses, the set enable-customers visits.
  const ids = await seed(60);
  await handleCommandBatch(
    procession.pool,
    shop,
    ids.map((customerId) => ({
      commandId: randomUUID(),
      command: { type: 'DisableCustomer' as const, data: { customerId, reason: 'until later' } },
      metadata: { correlationId: 'seed', causationId: 'seed', actor: 'test' },
    })),
  );
  const runAt = new Date(Date.now() + 8_000).toISOString();
  const { body: later } = await call<{ bulkId: string }>(
    'POST',
    `/bulk/enable-customers?runAt=${runAt}&maxItemsPerSecond=10`,
    { reason: 'later', disabledReason: 'until later' },
  );
  expect(await reaching(later.bulkId, (progress) => progress.status === 'scheduled', 30_000)).toMatchObject({
    runAt,
    processed: 0,
  });
  await reaching(later.bulkId, (progress) => progress.status === 'running', 30_000);
  expect((await call('POST', `/bulk/${later.bulkId}/throttle`, { maxItemsPerSecond: 30 })).status).toBe(202);
  expect(await reaching(later.bulkId, (progress) => progress.status === 'completed', 60_000)).toMatchObject({
    total: 60,
    changed: 60,
  });
  expect((await changeTimes(later.bulkId))[0]).toBeGreaterThanOrEqual(Date.parse(runAt));
  await recordHistory(workflowOf('enable-customers', later.bulkId), 'bulkTask-scheduled-throttled');

  const nextYear = new Date(Date.now() + 365 * 86_400_000).toISOString();
  const { body: never } = await call<{ bulkId: string }>('POST', `/bulk/enable-customers?runAt=${nextYear}`, {
    reason: 'never',
    disabledReason: 'later',
  });
  await reaching(never.bulkId, (progress) => progress.status === 'scheduled', 30_000);
  expect((await call('POST', `/bulk/${never.bulkId}/cancel`)).status).toBe(202);
  expect(await reaching(never.bulkId, (progress) => progress.status === 'cancelled', 30_000)).toMatchObject({
    processed: 0,
    changed: 0,
  });
  expect(await changeTimes(never.bulkId)).toEqual([]);
  await recordHistory(workflowOf('enable-customers', never.bulkId), 'bulkTask-scheduled-cancelled');
}, 120_000);

test.each([
  ['maxItemsPerSecond=0', 'InvalidBulkLimits'],
  ['maxItemsPerSecond=fast', 'ValidationFailed'],
  ['maxPagesInFlight=65', 'InvalidBulkLimits'],
  ['runAt=tomorrow', 'ValidationFailed'],
  ['pace=slow', 'ValidationFailed'],
])('a request with ?%s is a 400 naming it, and nothing is written', async (query, error) => {
  const before = await procession.pool.query<{ n: string }>(`select count(*) as n from events`);
  const answer = await call('POST', `/bulk/disable-all-customers?${query}`, { reason: 'bad' });
  expect(answer.status).toBe(400);
  expect(answer.body).toMatchObject({ error });
  expect(answer.body.message).toContain(query.split('=')[0]);
  const after = await procession.pool.query<{ n: string }>(`select count(*) as n from events`);
  expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
});

test.each([{}, { maxItemsPerSecond: 0 }, { maxPagesInFlight: 0 }, { pace: 'slow' }])(
  'a throttle with %j is a 400',
  async (body) => {
    const answer = await call('POST', `/bulk/${randomUUID()}/throttle`, body);
    expect(answer.status).toBe(400);
  },
);
