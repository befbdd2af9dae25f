import { randomUUID } from 'node:crypto';
import type { DisableAllCustomersRequested } from '../../domain/bulk/bulk';
import { handleCommand } from '../../engine/eventstore/commandHandler';
import { readStream } from '../../engine/eventstore/readStream';
import type { StoredEvent } from '../../engine/eventstore/types';
import { expectRejectedWithoutWrites, startApiTest, uiUrl, type ApiTest } from './apiHarness';
import { shop } from '../../domain/registry';

let api: ApiTest;

beforeAll(async () => {
  api = await startApiTest('api-bulk');
});

afterAll(async () => {
  await api?.close();
});

async function requestedEvent(bulkId: string) {
  const events = await readStream(api.database.pool, `bulk-${bulkId}`);
  expect(events.map((event) => event.type)).toEqual(['DisableAllCustomersRequested']);
  return events[0] as unknown as StoredEvent<
    'DisableAllCustomersRequested',
    DisableAllCustomersRequested['data']
  >;
}

async function requestBulk(reason = 'compliance sweep', headers: Record<string, string> = {}) {
  const response = await api.request({
    method: 'POST',
    url: '/bulk/disable-all-customers',
    headers,
    payload: { reason },
  });
  expect(response.statusCode).toBe(202);
  return response.json() as { bulkId: string; workflowId: string; uiUrl: string | null };
}

/** A workflow with the bulk's id on a task queue no worker polls: it exists, but never answers. */
async function startIdleBulkWorkflow(bulkId: string) {
  const workflowId = `disable-all-customers:${bulkId}`;
  api.trackWorkflow(workflowId);
  return api.temporal.client.workflow.start('disableAllCustomers', {
    workflowId,
    taskQueue: api.temporal.taskQueue,
    args: [{ bulkId, reason: 'r', asOf: { transactionId: '0', globalPosition: '0' }, correlationId: 'c' }],
  });
}

describe('POST /bulk/disable-all-customers', () => {
  test('records the request and answers 202 with the saga to watch', async () => {
    const accepted = await requestBulk('fraud ring');
    expect(accepted.bulkId).toMatch(/^[0-9a-f-]{36}$/);
    const workflowId = `disable-all-customers:${accepted.bulkId}`;
    expect(accepted).toEqual({
      bulkId: accepted.bulkId,
      workflowId,
      uiUrl: `${uiUrl}/namespaces/${api.temporal.namespace}/workflows/${encodeURIComponent(workflowId)}`,
    });
    const event = await requestedEvent(accepted.bulkId);
    expect(event.data).toEqual({
      bulkId: accepted.bulkId,
      reason: 'fraud ring',
      customerSet: 'registeredBeforeRequest',
    });
  });

  test('the same Idempotency-Key twice is one bulk; with another reason it is a 409', async () => {
    const key = randomUUID();
    const before = await api.writes();
    const first = await requestBulk('same', { 'idempotency-key': key });
    const second = await api.request({
      method: 'POST',
      url: '/bulk/disable-all-customers',
      headers: { 'idempotency-key': key },
      payload: { reason: 'same' },
    });
    expect(second.statusCode).toBe(202);
    expect(second.json()).toEqual(first);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect((await api.writes()).events).toBe(before.events + 1);

    const other = await api.request({
      method: 'POST',
      url: '/bulk/disable-all-customers',
      headers: { 'idempotency-key': key },
      payload: { reason: 'different' },
    });
    expect(other.statusCode).toBe(409);
    expect(other.json().error).toBe('IdempotencyKeyReused');
    expect((await api.writes()).events).toBe(before.events + 1);
  });

  test.each([
    [{}, "body must have required property 'reason'"],
    [{ reason: '' }, 'body/reason must NOT have fewer than 1 characters'],
    [{ reason: ' \t ' }, 'body/reason must contain a non-space character'],
    [{ reason: 7 }, 'body/reason must be string'],
    [{ reason: 'r', dryRun: true }, "body must NOT have additional properties ('dryRun')"],
  ])('rejects %j with a 400 and writes nothing', async (payload, message) => {
    await expectRejectedWithoutWrites(
      api,
      { method: 'POST', url: '/bulk/disable-all-customers', payload },
      message,
    );
  });
});

describe('GET /bulk/:bulkId', () => {
  test('before the relay started the saga, the bulk aggregate answers: requested, nothing counted', async () => {
    const { bulkId, workflowId } = await requestBulk();
    const response = await api.request({ method: 'GET', url: `/bulk/${bulkId}` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      bulkId,
      status: 'requested',
      total: 0,
      processed: 0,
      disabled: 0,
      alreadyDisabled: 0,
      failed: 0,
      failures: [],
      source: 'aggregate',
      workflowId,
      uiUrl: expect.stringContaining(encodeURIComponent(workflowId)),
    });
  });

  test('after the saga recorded its outcome (and is gone), the aggregate has the final counts', async () => {
    const { bulkId } = await requestBulk();
    await handleCommand(api.database.pool, shop, {
      commandId: randomUUID(),
      command: {
        type: 'CompleteBulkOperation',
        data: {
          bulkId,
          counts: { total: 5, disabled: 3, alreadyDisabled: 1, failed: 1 },
          failures: [{ customerId: 'c-9', reason: 'ConcurrencyConflict' }],
        },
      },
      metadata: { correlationId: 'c', causationId: 'c', actor: 'test' },
    });
    const response = await api.request({ method: 'GET', url: `/bulk/${bulkId}` });
    expect(response.json()).toMatchObject({
      bulkId,
      status: 'completed',
      total: 5,
      processed: 5,
      disabled: 3,
      alreadyDisabled: 1,
      failed: 1,
      failures: [{ customerId: 'c-9', reason: 'ConcurrencyConflict' }],
      source: 'aggregate',
    });
  });

  test('an unknown bulk is a 404', async () => {
    const response = await api.request({ method: 'GET', url: `/bulk/${randomUUID()}` });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'BulkOperationNotFound' });
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

describe('POST /bulk/:bulkId/pause|resume|cancel', () => {
  test.each(['pause', 'resume', 'cancel'])('%s of an unknown bulk is a 404', async (action) => {
    const response = await api.request({ method: 'POST', url: `/bulk/${randomUUID()}/${action}` });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'BulkOperationNotFound' });
  });

  test('a bulk whose saga has not started yet is a 404 that says so', async () => {
    const { bulkId } = await requestBulk();
    const response = await api.request({ method: 'POST', url: `/bulk/${bulkId}/pause` });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({
      error: 'BulkWorkflowNotStarted',
      message: expect.stringContaining('has not started yet'),
    });
  });

  test('a bulk that already ended (workflow gone) is a 409', async () => {
    const { bulkId } = await requestBulk();
    await handleCommand(api.database.pool, shop, {
      commandId: randomUUID(),
      command: {
        type: 'CancelBulkOperation',
        data: { bulkId, counts: { total: 2, disabled: 1, alreadyDisabled: 0, failed: 0 } },
      },
      metadata: { correlationId: 'c', causationId: 'c', actor: 'test' },
    });
    const response = await api.request({ method: 'POST', url: `/bulk/${bulkId}/resume` });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ error: 'BulkOperationClosed' });
  });

  test('a closed workflow is a 409 naming its status', async () => {
    const { bulkId } = await requestBulk();
    const handle = await startIdleBulkWorkflow(bulkId);
    await handle.terminate('closed for the test');
    const response = await api.request({ method: 'POST', url: `/bulk/${bulkId}/cancel` });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({
      error: 'BulkOperationClosed',
      message: expect.stringContaining('TERMINATED'),
      details: { bulkId, status: 'TERMINATED' },
    });
  });

  test('a running workflow receives the signal: 202 with the progress known so far', async () => {
    const { bulkId } = await requestBulk();
    const handle = await startIdleBulkWorkflow(bulkId);
    const response = await api.request({ method: 'POST', url: `/bulk/${bulkId}/pause` });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ bulkId, status: 'requested', source: 'aggregate' });
    const history = await handle.fetchHistory();
    const signals = (history.events ?? []).filter((event) => event.workflowExecutionSignaledEventAttributes);
    expect(signals.map((event) => event.workflowExecutionSignaledEventAttributes!.signalName)).toEqual([
      'pause',
    ]);
  });

  test('a malformed bulk id is a 400', async () => {
    await expectRejectedWithoutWrites(
      api,
      { method: 'POST', url: '/bulk/a%20b/pause' },
      /^params\/bulkId must/,
    );
  });
});
