import { randomUUID } from 'node:crypto';
import { appendToStream } from '../../engine/eventstore/append';
import { handleCommand } from '../../engine/commands/commandHandler';
import { readStream } from '../../engine/eventstore/readStream';
import { inTransaction } from '../../engine/eventstore/transaction';
import { expectRejectedWithoutWrites, startApiTest, uiUrl, type ApiTest } from './apiHarness';
import { shop } from '../../domain/registry';

let api: ApiTest;

beforeAll(async () => {
  api = await startApiTest('api-bulk');
});

afterAll(async () => {
  await api?.close();
});

async function requestBulk(
  params: Record<string, unknown> = { reason: 'compliance sweep' },
  task = 'disable-all-customers',
  headers: Record<string, string> = {},
) {
  const response = await api.request({ method: 'POST', url: `/bulk/${task}`, headers, payload: params });
  expect(response.statusCode).toBe(202);
  return response.json() as { bulkId: string; workflowId: string; uiUrl: string | null };
}

/** A workflow with the bulk's id on a task queue no worker polls: it exists, but never answers. */
async function startIdleBulkWorkflow(bulkId: string) {
  const workflowId = `disable-all-customers:${bulkId}`;
  api.trackWorkflow(workflowId);
  return api.temporal.client.workflow.start('bulkTask', {
    workflowId,
    taskQueue: api.temporal.taskQueue,
    args: [{}],
  });
}

const sendAsTest = (command: Parameters<typeof shop.streamIdFor>[0]) =>
  handleCommand(api.database.pool, shop, {
    commandId: randomUUID(),
    command,
    metadata: { correlationId: 'c', causationId: 'c', actor: 'test' },
  });

describe('GET /bulk-tasks', () => {
  test('lists every task with its route and parameter schema', async () => {
    const response = await api.request({ method: 'GET', url: '/bulk-tasks' });
    expect(response.statusCode).toBe(200);
    const tasks = response.json().items as Array<{
      name: string;
      route: string;
      params: { required: string[] };
    }>;
    // The shop's own tasks; an application with more lists those too.
    expect(tasks.map((task) => [task.name, task.route, task.params.required])).toEqual(
      expect.arrayContaining([
        ['disable-all-customers', '/bulk/disable-all-customers', ['reason']],
        ['enable-customers', '/bulk/enable-customers', ['reason', 'disabledReason']],
      ]),
    );
    expect(tasks.find((task) => task.name === 'disable-all-customers')).toMatchObject({
      title: 'Disable all customers',
      description: expect.stringMatching(/\w/),
    });
  });
});

describe('POST /bulk/:task', () => {
  test('records the request and answers 202 with the saga to watch', async () => {
    const accepted = await requestBulk({ reason: 'fraud ring' });
    expect(accepted.bulkId).toMatch(/^[0-9a-f-]{36}$/);
    const workflowId = `disable-all-customers:${accepted.bulkId}`;
    expect(accepted).toEqual({
      bulkId: accepted.bulkId,
      workflowId,
      uiUrl: `${uiUrl}/namespaces/${api.temporal.namespace}/workflows/${encodeURIComponent(workflowId)}`,
      position: expect.stringMatching(/^[0-9]+$/),
    });
    const events = await readStream(api.database.pool, `bulk-${accepted.bulkId}`);
    expect(events.map((event) => [event.type, event.data])).toEqual([
      [
        'BulkTaskRequested',
        {
          bulkId: accepted.bulkId,
          task: 'disable-all-customers',
          params: { reason: 'fraud ring' },
          scope: 'asOfRequest',
        },
      ],
    ]);
  });

  test('enable-customers takes its own parameters', async () => {
    const accepted = await requestBulk(
      { reason: 'appeal', disabledReason: 'fraud ring' },
      'enable-customers',
    );
    expect(accepted.workflowId).toBe(`enable-customers:${accepted.bulkId}`);
    const [event] = await readStream(api.database.pool, `bulk-${accepted.bulkId}`);
    expect(event!.data).toMatchObject({
      task: 'enable-customers',
      params: { reason: 'appeal', disabledReason: 'fraud ring' },
    });
  });

  test('the same Idempotency-Key twice is one bulk; with another reason it is a 409', async () => {
    const key = randomUUID();
    const before = await api.writes();
    const first = await requestBulk({ reason: 'same' }, 'disable-all-customers', { 'idempotency-key': key });
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
    ['disable-all-customers', {}, "body must have required property 'reason'"],
    ['disable-all-customers', { reason: '' }, 'body/reason must NOT have fewer than 1 characters'],
    ['disable-all-customers', { reason: ' \t ' }, 'body/reason must contain a non-space character'],
    ['disable-all-customers', { reason: 7 }, 'body/reason must be string'],
    [
      'disable-all-customers',
      { reason: 'r', dryRun: true },
      "body must NOT have additional properties ('dryRun')",
    ],
    ['enable-customers', { reason: 'r' }, "body must have required property 'disabledReason'"],
  ])('%s rejects %j with a 400 and writes nothing', async (task, payload, message) => {
    await expectRejectedWithoutWrites(api, { method: 'POST', url: `/bulk/${task}`, payload }, message);
  });

  test('a task nobody registered is a 404 naming the tasks there are, and writes nothing', async () => {
    const before = await api.writes();
    const response = await api.request({ method: 'POST', url: '/bulk/delete-everything', payload: {} });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({
      error: 'UnknownBulkTask',
      details: { task: 'delete-everything', tasks: ['disable-all-customers', 'enable-customers'] },
    });
    expect(await api.writes()).toEqual(before);
  });
});

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

describe('POST /bulk/:bulkId/pause|resume|cancel', () => {
  test.each(['pause', 'resume', 'cancel'])('%s of an unknown bulk is a 404', async (action) => {
    const response = await api.request({ method: 'POST', url: `/bulk/${randomUUID()}/${action}` });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'BulkTaskNotFound' });
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

  test('a bulk that already ended is a 409', async () => {
    const { bulkId } = await requestBulk();
    await sendAsTest({
      type: 'CancelBulkTask',
      data: { bulkId, counts: { total: 2, changed: 1, unchanged: 0, failed: 0 } },
    });
    const response = await api.request({ method: 'POST', url: `/bulk/${bulkId}/resume` });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ error: 'BulkTaskClosed', details: { status: 'CANCELLED' } });
  });

  test('a closed workflow is a 409 naming its status', async () => {
    const { bulkId } = await requestBulk();
    const handle = await startIdleBulkWorkflow(bulkId);
    await handle.terminate('closed for the test');
    const response = await api.request({ method: 'POST', url: `/bulk/${bulkId}/cancel` });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({
      error: 'BulkTaskClosed',
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
