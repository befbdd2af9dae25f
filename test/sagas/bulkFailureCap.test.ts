import { Type } from 'typebox';
import { defineApplication } from '../../engine/application/application';
import { customersRegisteredBeforeRequest } from '../../projections/customers/customerSets';
import { defineBulkTask } from '../../workflows/kit';
import { shopApplication } from '../../worker/application';
import { startSagaHarness, type SagaHarness } from '../harness/sagaHarness';
import { eventTypes, stateOf } from './orderScenario';
import { bulkSagaOf, requestBulk, seedCustomers } from './bulkScenario';

// A task whose every item is rejected (registering a customer that exists), capped at 5 failures: the run
// stops after the first page instead of grinding through the set, and says why on the bulk stream.
const reRegisterEveryone = defineBulkTask({
  name: 're-register-everyone',
  title: 'Register every customer again',
  description: 'Fails on every item, on purpose.',
  params: Type.Object({}),
  items: customersRegisteredBeforeRequest,
  command: (customerId) => ({
    type: 'RegisterCustomer',
    data: { customerId, name: 'again', email: 'a@b.c' },
  }),
  pageSize: 10,
  maxFailures: 5,
  // One page at a time, so the run stops right after the first page (a wider window lets the pages
  // already in flight finish too).
  window: 1,
});

const application = defineApplication({
  ...shopApplication,
  bulkTasks: [...shopApplication.bulkTasks, reRegisterEveryone],
});

let h: SagaHarness;

beforeAll(async () => {
  h = await startSagaHarness('bulk-failure-cap', {}, undefined, application);
});

afterAll(async () => {
  await h?.close();
});

test('more failures than the task allows stop the run as failed, with the failures and why', async () => {
  await seedCustomers(h, 50);
  const bulk = await requestBulk(h, {}, 're-register-everyone');
  const result = await bulkSagaOf(h, bulk).result();
  expect(result).toMatchObject({
    status: 'failed',
    total: 50,
    processed: 10,
    changed: 0,
    failed: 10,
    failureReason: 'stopped after 10 failed items (the task allows 5)',
  });
  expect(result.failures).toHaveLength(10);
  expect(result.failures[0]!.reason).toMatch(/^CustomerAlreadyRegistered: /);
  expect(await eventTypes(h, `bulk-${bulk.bulkId}`)).toEqual(['BulkTaskRequested', 'BulkTaskFailed']);
  expect(await stateOf(h, `bulk-${bulk.bulkId}`)).toMatchObject({
    status: 'failed',
    failureReason: 'stopped after 10 failed items (the task allows 5)',
    counts: { total: 50, changed: 0, unchanged: 0, failed: 10 },
  });
});
