// A bulk task's progress, GET /bulk/:bulkId: from the aggregate, from legacy events, or unavailable.
import { randomUUID } from 'node:crypto';
import { appendToStream } from '../../engine/eventstore/append';
import { inTransaction } from '../../engine/eventstore/transaction';
import { expectRejectedWithoutWrites, startApiTest, type ApiTest } from './apiHarness';
import { bulkHelpers } from './bulkHelpers';

let api: ApiTest;

beforeAll(async () => {
  api = await startApiTest('api-bulk-progress');
});

afterAll(async () => {
  await api?.close();
});

const { requestBulk, startIdleBulkWorkflow, sendAsTest } = bulkHelpers(() => api);

describe('GET /bulk/:bulkId', () => {
  test('before the relay started the saga, the bulk aggregate answers: requested, nothing counted', async () => {
    const { bulkId, workflowId } = await requestBulk();
    const response = await api.request({ method: 'GET', url: `/bulk/${bulkId}` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      bulkId,
      task: 'disable-all-customers',
      params: { reason: 'compliance sweep' },
      status: 'requested',
      total: 0,
      processed: 0,
      changed: 0,
      unchanged: 0,
      failed: 0,
      failures: [],
      failureReason: null,
      skipped: 0,
      skips: [],
      limits: null,
      rate: null,
      etaSeconds: null,
      runAt: null,
      revertedBy: null,
      reverts: null,
      source: 'aggregate',
      workflowId,
      uiUrl: expect.stringContaining(encodeURIComponent(workflowId)),
    });
  });

  test('after the saga recorded its outcome, the aggregate has the final counts', async () => {
    const { bulkId } = await requestBulk();
    await sendAsTest({
      type: 'CompleteBulkTask',
      data: {
        bulkId,
        counts: { total: 5, changed: 3, unchanged: 1, failed: 1 },
        failures: [{ itemId: 'c-9', reason: 'ConcurrencyConflict' }],
      },
    });
    const response = await api.request({ method: 'GET', url: `/bulk/${bulkId}` });
    expect(response.json()).toMatchObject({
      bulkId,
      status: 'completed',
      total: 5,
      processed: 5,
      changed: 3,
      unchanged: 1,
      failed: 1,
      failures: [{ itemId: 'c-9', reason: 'ConcurrencyConflict' }],
      source: 'aggregate',
    });
  });

  test('a run recorded before bulk tasks were generic reads as a disable-all-customers task', async () => {
    const bulkId = randomUUID();
    const metadata = (type: string) => ({
      eventId: randomUUID(),
      commandId: randomUUID(),
      commandType: type,
      correlationId: 'legacy',
      causationId: 'legacy',
      actor: 'http',
    });
    await inTransaction(api.database.pool, (client) =>
      appendToStream(client, `bulk-${bulkId}`, 0, [
        {
          type: 'DisableAllCustomersRequested',
          data: { bulkId, reason: 'old sweep', customerSet: 'registeredBeforeRequest' },
          metadata: metadata('RequestDisableAllCustomers'),
        },
        {
          type: 'BulkOperationCompleted',
          data: {
            bulkId,
            counts: { total: 4, disabled: 2, alreadyDisabled: 1, failed: 1 },
            failures: [{ customerId: 'c-4', reason: 'CustomerNotFound' }],
          },
          metadata: metadata('CompleteBulkOperation'),
        },
      ]),
    );
    const response = await api.request({ method: 'GET', url: `/bulk/${bulkId}` });
    expect(response.json()).toMatchObject({
      bulkId,
      task: 'disable-all-customers',
      params: { reason: 'old sweep' },
      status: 'completed',
      total: 4,
      changed: 2,
      unchanged: 1,
      failed: 1,
      failures: [{ itemId: 'c-4', reason: 'CustomerNotFound' }],
      workflowId: `disable-all-customers:${bulkId}`,
    });
  });

  test('an unknown bulk is a 404', async () => {
    const response = await api.request({ method: 'GET', url: `/bulk/${randomUUID()}` });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'BulkTaskNotFound' });
  });

  test('a running saga that cannot answer its query (no worker) is a 503, not a stale answer', async () => {
    const { bulkId } = await requestBulk();
    await startIdleBulkWorkflow(bulkId);
    const response = await api.request({ method: 'GET', url: `/bulk/${bulkId}` });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ error: 'ProgressUnavailable' });
  });

  test('a malformed bulk id is a 400', async () => {
    await expectRejectedWithoutWrites(
      api,
      { method: 'GET', url: '/bulk/not%20an%20id' },
      /^params\/bulkId must/,
    );
  });
});

describe('GET /bulk', () => {
  test('lists the newest runs first, each with its task and parameters; ?limit bounds it', async () => {
    const older = await requestBulk({ reason: 'older' });
    const newer = await requestBulk({ reason: 'newer' });
    const response = await api.request({ method: 'GET', url: '/bulk?limit=2' });
    expect(response.statusCode).toBe(200);
    const { items } = response.json() as { items: Array<{ bulkId: string; params: unknown }> };
    expect(items.map((item) => item.bulkId)).toEqual([newer.bulkId, older.bulkId]);
    expect(items[0]).toMatchObject({ task: 'disable-all-customers', params: { reason: 'newer' } });
  });

  test.each(['0', '501', 'ten'])('?limit=%s is a 400 that names it', async (limit) => {
    const response = await api.request({ method: 'GET', url: `/bulk?limit=${limit}` });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain('limit');
  });
});
