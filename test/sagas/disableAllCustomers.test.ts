import { eventually, startSagaHarness, type SagaHarness } from '../harness/sagaHarness';
import { recordHistory } from '../harness/histories';
import { eventTypes, stateOf } from './orderScenario';
import { bulkSagaOf, disabledEventCounts, requestBulk, seedCustomers } from './bulkScenario';

let h: SagaHarness;

beforeAll(async () => {
  h = await startSagaHarness('bulk-saga', { settings: { bulkPageSize: 100, bulkPagesPerRun: 5 } });
});

afterAll(async () => {
  await h?.close();
});

test('2,000 customers, 150 already disabled: each disabled exactly once, counts right, outcome recorded', async () => {
  const ids = await seedCustomers(h, 2_000, 150);
  const bulkId = await requestBulk(h);
  // Registered after the request: outside the recorded set, so left alone.
  const latecomer = (await seedCustomers(h, 1))[0]!;

  const progress = await bulkSagaOf(h, bulkId).result();
  expect(progress).toMatchObject({
    status: 'completed',
    total: 2_000,
    processed: 2_000,
    disabled: 1_850,
    alreadyDisabled: 150,
    failed: 0,
  });
  // 20 pages at 5 pages a run: the saga continued as new several times.
  expect(progress.generation).toBeGreaterThanOrEqual(3);

  const counts = await disabledEventCounts(h, [...ids, latecomer]);
  expect(ids.every((id) => counts.get(id) === 1)).toBe(true);
  expect(counts.get(latecomer)).toBeUndefined();

  expect(await eventTypes(h, `bulk-${bulkId}`)).toEqual([
    'DisableAllCustomersRequested',
    'BulkOperationCompleted',
  ]);
  expect(await stateOf(h, `bulk-${bulkId}`)).toMatchObject({
    status: 'completed',
    counts: { total: 2_000, disabled: 1_850, alreadyDisabled: 150, failed: 0 },
  });
});

test('pause holds the run between pages; resume finishes it', async () => {
  const ids = await seedCustomers(h, 600);
  const bulkId = await requestBulk(h, 'paused run');
  const saga = bulkSagaOf(h, bulkId);
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
  expect(done.disabled + done.alreadyDisabled).toBe(done.total);
  expect(done.total).toBeGreaterThanOrEqual(600);
  const counts = await disabledEventCounts(h, ids);
  expect(ids.every((id) => counts.get(id) === 1)).toBe(true);
  await recordHistory(saga.handle, 'disableAllCustomers-paused-resumed');
});

test('cancel mid-way stops between pages and records BulkOperationCancelled with the counts so far', async () => {
  const ids = await seedCustomers(h, 1_000);
  const bulkId = await requestBulk(h, 'cancelled run');
  const saga = bulkSagaOf(h, bulkId);
  await saga.started();
  await eventually(async () => ((await saga.progress()).processed > 0 ? true : undefined));
  await saga.handle.signal('cancel');

  const result = await saga.result();
  expect(result.status).toBe('cancelled');
  expect(result.processed).toBeLessThan(result.total);
  const counts = await disabledEventCounts(h, ids);
  expect([...counts.values()].every((count) => count === 1)).toBe(true);
  // Earlier tests disabled everyone before these ids, so every disable this run made is one of them.
  expect(counts.size).toBe(result.disabled);
  expect(await eventTypes(h, `bulk-${bulkId}`)).toEqual([
    'DisableAllCustomersRequested',
    'BulkOperationCancelled',
  ]);
  await recordHistory(saga.handle, 'disableAllCustomers-cancelled');
  expect(await stateOf(h, `bulk-${bulkId}`)).toMatchObject({
    status: 'cancelled',
    counts: { disabled: result.disabled },
  });
});
