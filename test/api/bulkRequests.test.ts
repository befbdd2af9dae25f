// Requesting bulk tasks: the task list, POST /bulk/:task, its Idempotency-Key and its validation.
import { randomUUID } from 'node:crypto';
import { readStream } from '../../engine/eventstore/readStream';
import { expectRejectedWithoutWrites, startApiTest, uiUrl, type ApiTest } from './apiHarness';
import { bulkHelpers } from './bulkHelpers';
import { shopBulkTasks } from '../../bulkTasks';

let api: ApiTest;

beforeAll(async () => {
  api = await startApiTest('api-bulk-requests');
});

afterAll(async () => {
  await api?.close();
});

const { requestBulk } = bulkHelpers(() => api);

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
      // Every task the application lists, however many it has.
      details: { task: 'delete-everything', tasks: shopBulkTasks.map((task) => task.name) },
    });
    expect(await api.writes()).toEqual(before);
  });
});
