import { eventually, startSagaHarness, type SagaHarness } from '../harness/sagaHarness';
import { recordHistory } from '../harness/histories';
import { readStream } from '../../engine/eventstore/readStream';
import { bulkTaskTriggerName } from '../../engine/bulk/bulkTaskSaga';
import { shopApplication } from '../../worker/application';
import { eventTypes, stateOf } from './orderScenario';
import { bulkSagaOf, disableCustomers, eventCounts, requestBulk, seedCustomers } from './bulkScenario';

// The engine's one bulk workflow running the shop's two tasks, on a real database and dev server.
let h: SagaHarness;

beforeAll(async () => {
  h = await startSagaHarness('bulk-saga', { settings: { bulkPageSize: 100, bulkPagesPerRun: 5 } });
});

afterAll(async () => {
  await h?.close();
});

test('disable-all-customers: 2,000 customers, 150 already disabled, each disabled once, outcome recorded', async () => {
  const ids = await seedCustomers(h, 2_000, 150);
  const bulk = await requestBulk(h);
  // Registered after the request: outside the set, so left alone.
  const latecomer = (await seedCustomers(h, 1))[0]!;

  const progress = await bulkSagaOf(h, bulk).result();
  expect(progress).toMatchObject({
    status: 'completed',
    task: 'disable-all-customers',
    total: 2_000,
    processed: 2_000,
    changed: 1_850,
    unchanged: 150,
    failed: 0,
  });
  // 20 pages at 5 pages a run: the saga continued as new several times.
  expect(progress.generation).toBeGreaterThanOrEqual(3);

  const counts = await eventCounts(h, 'CustomerDisabled', [...ids, latecomer]);
  expect(ids.every((id) => counts.get(id) === 1)).toBe(true);
  expect(counts.get(latecomer)).toBeUndefined();

  expect(await eventTypes(h, `bulk-${bulk.bulkId}`)).toEqual(['BulkTaskRequested', 'BulkTaskCompleted']);
  expect(await stateOf(h, `bulk-${bulk.bulkId}`)).toMatchObject({
    status: 'completed',
    counts: { total: 2_000, changed: 1_850, unchanged: 150, failed: 0 },
  });
});

test('pause holds the run between pages; resume finishes it', async () => {
  const ids = await seedCustomers(h, 600);
  const saga = bulkSagaOf(h, await requestBulk(h, { reason: 'paused run' }));
  await saga.started();
  await saga.handle.signal('pause');

  const paused = await eventually(async () => {
    const progress = await saga.progress();
    return progress.status === 'paused' ? progress : undefined;
  });
  // While paused no page starts: what was processed stays put across later reads.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const stillPaused = await saga.progress();
  expect(stillPaused.status).toBe('paused');
  expect(stillPaused.processed).toBe((await saga.progress()).processed);
  expect(stillPaused.processed).toBeLessThan(stillPaused.total);
  expect(paused.processed).toBeLessThanOrEqual(stillPaused.processed);

  await saga.handle.signal('resume');
  const done = await saga.result();
  // The set also holds the customers earlier tests left in this database.
  expect(done).toMatchObject({ status: 'completed', processed: done.total, failed: 0 });
  expect(done.changed + done.unchanged).toBe(done.total);
  expect(done.total).toBeGreaterThanOrEqual(600);
  const counts = await eventCounts(h, 'CustomerDisabled', ids);
  expect(ids.every((id) => counts.get(id) === 1)).toBe(true);
  await recordHistory(saga.handle, 'bulkTask-paused-resumed');
});

test('cancel mid-way stops between pages and records BulkTaskCancelled with the counts so far', async () => {
  const ids = await seedCustomers(h, 1_000);
  const bulk = await requestBulk(h, { reason: 'cancelled run' });
  const saga = bulkSagaOf(h, bulk);
  await saga.started();
  await eventually(async () => ((await saga.progress()).processed > 0 ? true : undefined));
  await saga.handle.signal('cancel');

  const result = await saga.result();
  expect(result.status).toBe('cancelled');
  expect(result.processed).toBeLessThan(result.total);
  const counts = await eventCounts(h, 'CustomerDisabled', ids);
  expect([...counts.values()].every((count) => count === 1)).toBe(true);
  // Earlier tests disabled everyone before these ids, so every disable this run made is one of them.
  expect(counts.size).toBe(result.changed);
  expect(await eventTypes(h, `bulk-${bulk.bulkId}`)).toEqual(['BulkTaskRequested', 'BulkTaskCancelled']);
  await recordHistory(saga.handle, 'bulkTask-cancelled');
  expect(await stateOf(h, `bulk-${bulk.bulkId}`)).toMatchObject({
    status: 'cancelled',
    counts: { changed: result.changed },
  });
});

test('enable-customers re-enables only the customers disabled for the reason, each exactly once', async () => {
  const swept = await seedCustomers(h, 250, 250, 'fraud sweep 7');
  const other = await seedCustomers(h, 40, 40, 'chargeback');
  const bulk = await requestBulk(
    h,
    { reason: 'sweep cleared', disabledReason: 'fraud sweep 7' },
    'enable-customers',
  );
  // Disabled for the same reason after the request: outside the set.
  const late = await seedCustomers(h, 5);
  await disableCustomers(h, late, 'fraud sweep 7');

  const saga = bulkSagaOf(h, bulk);
  const result = await saga.result();
  expect(result).toMatchObject({ status: 'completed', total: 250, changed: 250, unchanged: 0, failed: 0 });
  const enabled = await eventCounts(h, 'CustomerEnabled', [...swept, ...other, ...late]);
  expect(swept.every((id) => enabled.get(id) === 1)).toBe(true);
  expect([...other, ...late].some((id) => enabled.has(id))).toBe(false);
  const [event] = (await readStream(h.db.pool, `customer-${swept[0]}`)).filter(
    (e) => e.type === 'CustomerEnabled',
  );
  expect(event!.data).toEqual({ customerId: swept[0], reason: 'sweep cleared' });

  // The request delivered again: the finished run is not re-run, so nobody is enabled twice.
  const [requested] = await readStream(h.db.pool, `bulk-${bulk.bulkId}`);
  const trigger = shopApplication.triggers.find((t) => t.name === bulkTaskTriggerName)!;
  expect(await h.relay.deliver(requested!, trigger)).toBe('ignored');
  expect(await eventCounts(h, 'CustomerEnabled', swept)).toEqual(enabled);
});
