import { randomUUID } from 'node:crypto';
import type { RunningProcession } from '../../worker/procession';
import { adminCalls } from '../harness/adminCalls';
import { registerCustomers } from '../harness/registerCustomers';
import { startTestProcession, type TestProcession } from '../harness/procession';
import { eventually } from '../harness/sagaHarness';

// Undoing a bulk task over HTTP, on a database of this file's own: 20,000 customers disabled for the
// wrong reason, 300 of them then changed by hand, and the whole run reverted with a preview first.
let running: TestProcession;
let procession: RunningProcession;
const call = adminCalls(() => procession?.apiUrl);
const customerCount = 20_000;

beforeAll(async () => {
  ({ procession } = running = await startTestProcession('bulk-revert', { settings: { bulkPageSize: 500 } }));
  await registerCustomers(procession.pool, customerCount);
}, 120_000);

afterAll(async () => {
  await running?.stop();
});

interface Progress {
  status: string;
  total: number;
  changed: number;
  unchanged: number;
  failed: number;
  skipped: number;
  skips: Array<{ itemId: string; reason: string }>;
  revertedBy: string | null;
  reverts: string | null;
}

const finished = (bulkId: string) =>
  eventually(
    async () => {
      const { body } = await call<Progress>('GET', `/bulk/${bulkId}`);
      return ['completed', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
    },
    150_000,
    `bulk ${bulkId} to finish`,
  );

/** Sends each customer's commands in order, ten customers at a time, as people at the admin API would. */
async function byHand(customerIds: readonly string[], steps: Array<[string, Record<string, string>?]>) {
  for (let start = 0; start < customerIds.length; start += 10)
    await Promise.all(
      customerIds.slice(start, start + 10).map(async (customerId) => {
        for (const [action, body] of steps) {
          const { status } = await call('POST', `/customers/${customerId}/${action}`, body);
          expect(status).toBe(200);
        }
      }),
    );
}

async function lastEvents(customerIds: readonly string[]) {
  const { rows } = await procession.pool.query<{
    stream_id: string;
    type: string;
    data: { reason?: string };
  }>(
    `select distinct on (stream_id) stream_id, event_type as type, data from events
      where stream_id = any($1::text[]) order by stream_id, stream_version desc`,
    [customerIds.map((id) => `customer-${id}`)],
  );
  return rows;
}

test('disable-all over 20,000 customers, 300 changed by hand, reverted: previewed, 19,700 re-enabled once, the 300 left alone', async () => {
  const requested = await call<{ bulkId: string }>('POST', '/bulk/disable-all-customers', {
    reason: 'wrong list',
  });
  expect(requested.status).toBe(202);
  const { bulkId } = requested.body;
  // A run still going cannot be reverted: its set of changed items is not known yet.
  expect((await call('POST', `/bulk/${bulkId}/revert`)).body).toMatchObject({
    error: 'BulkTaskStillRunning',
  });
  expect(await finished(bulkId)).toMatchObject({ status: 'completed', changed: customerCount, failed: 0 });

  const { rows } = await procession.pool.query<{ id: string }>(
    `select data ->> 'customerId' as id from events where event_type = 'CustomerRegistered' order by random() limit 300`,
  );
  const reEnabled = rows.slice(0, 200).map((row) => row.id);
  const disabledAgain = rows.slice(200).map((row) => row.id);
  await byHand(reEnabled, [['enable']]);
  await byHand(disabledAgain, [['enable'], ['disable', { reason: 'another reason' }]]);

  const preview = await call<Record<string, any>>('POST', `/bulk/${bulkId}/revert?dryRun=true`); // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(preview.status).toBe(200);
  expect(preview.body).toMatchObject({ dryRun: true, reverts: bulkId, count: 19_700, conflicts: 300 });
  expect(preview.body.sample).toHaveLength(20);
  expect(preview.body.sample[0].command).toMatchObject({
    type: 'EnableCustomer',
    data: { ifDisabledFor: 'wrong list' },
  });
  expect(preview.body.conflictSample).toHaveLength(20);
  for (const conflict of preview.body.conflictSample)
    expect(conflict.reason).toMatch(/changed since: CustomerEnabled at version 3 by api-key:admin:/);
  // The dry run wrote nothing: the original is not marked.
  expect((await call<Progress>('GET', `/bulk/${bulkId}`)).body.revertedBy).toBeNull();

  const key = { 'idempotency-key': `revert-${bulkId}` };
  const accepted = await call<{ bulkId: string; reverts: string }>(
    'POST',
    `/bulk/${bulkId}/revert`,
    undefined,
    key,
  );
  expect(accepted.status).toBe(202);
  const revertId = accepted.body.bulkId;
  expect(accepted.body.reverts).toBe(bulkId);
  // The same request again is the same revert; another one is refused.
  const replayed = await call<{ bulkId: string }>('POST', `/bulk/${bulkId}/revert`, undefined, key);
  expect(replayed).toMatchObject({ status: 202, body: { bulkId: revertId } });
  expect(replayed.headers.get('idempotent-replayed')).toBe('true');
  expect((await call('POST', `/bulk/${bulkId}/revert`)).body).toMatchObject({
    error: 'BulkTaskAlreadyReverted',
    details: { revertedBy: revertId },
  });

  const done = await finished(revertId);
  expect(done).toMatchObject({
    status: 'completed',
    total: customerCount,
    changed: 19_700,
    skipped: 300,
    failed: 0,
    reverts: bulkId,
  });
  expect(new Set(done.skips.map((skip) => skip.itemId))).toEqual(new Set([...reEnabled, ...disabledAgain]));
  expect((await call<Progress>('GET', `/bulk/${bulkId}`)).body.revertedBy).toBe(revertId);

  // Each of the 19,700 got exactly one reversing event, caused by the revert run; the 300 none.
  const reverted = await procession.pool.query<{ stream_id: string; n: string; causes: string[] }>(
    `select stream_id, count(*) as n, array_agg(distinct metadata ->> 'causationId') as causes from events
      where metadata ->> 'actor' = 'bulk:revert-bulk-task' and metadata ->> 'commandId' like $1
      group by stream_id`,
    [`bulk:${revertId}:%`],
  );
  expect(reverted.rows).toHaveLength(19_700);
  expect(reverted.rows.every((row) => row.n === '1' && row.causes[0] === `bulk-${revertId}`)).toBe(true);
  const touched = new Set(reverted.rows.map((row) => row.stream_id));
  expect([...reEnabled, ...disabledAgain].some((id) => touched.has(`customer-${id}`))).toBe(false);

  const last = await lastEvents(disabledAgain);
  expect(last.every((row) => row.type === 'CustomerDisabled' && row.data.reason === 'another reason')).toBe(
    true,
  );
}, 300_000);

test('reverting a bulk task that was never requested is a 404; a malformed id a 400', async () => {
  expect((await call('POST', `/bulk/${randomUUID()}/revert`)).body).toMatchObject({
    error: 'BulkTaskNotFound',
  });
  expect((await call('POST', `/bulk/not%20an%20id/revert`)).status).toBe(400);
});
