// Controlling a bulk task: pause, resume and cancel, as signals to its running saga or refused.
import { randomUUID } from 'node:crypto';
import { expectRejectedWithoutWrites, startApiTest, type ApiTest } from './apiHarness';
import { bulkHelpers } from './bulkHelpers';

let api: ApiTest;

beforeAll(async () => {
  api = await startApiTest('api-bulk-control');
});

afterAll(async () => {
  await api?.close();
});

const { requestBulk, startIdleBulkWorkflow, sendAsTest } = bulkHelpers(() => api);

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
