import { randomUUID } from 'node:crypto';
import { handleCommand } from '../../engine/commands/commandHandler';
import { expectRejectedWithoutWrites, startApiTest, uiUrl, type ApiTest } from './apiHarness';
import { shop, type DomainCommand } from '../../domain/registry';

let api: ApiTest;

beforeAll(async () => {
  api = await startApiTest('api-sagas-streams');
});

afterAll(async () => {
  await api?.close();
});

describe('GET /sagas/:workflowId', () => {
  test('an unknown workflow is a 404', async () => {
    const response = await api.request({ method: 'GET', url: `/sagas/order-fulfillment:${randomUUID()}` });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'WorkflowNotFound' });
  });

  test('describes a workflow; progress is null when it cannot answer the query', async () => {
    const workflowId = `order-fulfillment:${randomUUID()}`;
    api.trackWorkflow(workflowId);
    await api.temporal.client.workflow.start('orderFulfillment', {
      workflowId,
      taskQueue: api.temporal.taskQueue,
      args: [{ orderId: 'o-1', correlationId: 'c' }],
    });
    const response = await api.request({ method: 'GET', url: `/sagas/${workflowId}` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      workflowId,
      runId: expect.any(String),
      workflowType: 'orderFulfillment',
      status: 'RUNNING',
      startTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      closeTime: null,
      historyLength: expect.any(Number),
      progress: null,
      // No worker: the first workflow task has not run, so nothing is scheduled yet.
      activities: [],
      uiUrl: `${uiUrl}/namespaces/${api.temporal.namespace}/workflows/${encodeURIComponent(workflowId)}`,
    });

    await api.temporal.client.workflow.getHandle(workflowId).terminate('done looking');
    const closed = await api.request({ method: 'GET', url: `/sagas/${workflowId}` });
    expect(closed.json()).toMatchObject({
      status: 'TERMINATED',
      closeTime: expect.any(String),
      progress: null,
    });
  });

  test.each(['/sagas/has%20space', `/sagas/${'w'.repeat(201)}`])('GET %s is a 400', async (url) => {
    await expectRejectedWithoutWrites(api, { method: 'GET', url }, /^params\/workflowId must be 1 to 200/);
  });
});

describe('GET /streams/:streamId', () => {
  const send = (command: DomainCommand) =>
    handleCommand(api.database.pool, shop, {
      commandId: randomUUID(),
      command,
      metadata: { correlationId: 'c', causationId: 'c', actor: 'test' },
    });

  test('plays a stream back to any version', async () => {
    const customerId = `c-${randomUUID()}`;
    await send({ type: 'RegisterCustomer', data: { customerId, name: 'Old Name', email: 'e@example.com' } });
    await send({ type: 'DisableCustomer', data: { customerId, reason: 'paused' } });
    await send({ type: 'EnableCustomer', data: { customerId } });
    const streamId = `customer-${customerId}`;

    const now = await api.request({ method: 'GET', url: `/streams/${streamId}` });
    expect(now.statusCode).toBe(200);
    expect(now.json()).toMatchObject({
      streamId,
      version: 3,
      state: { status: 'active', customerId },
    });
    expect(now.json().events.map((event: { type: string }) => event.type)).toEqual([
      'CustomerRegistered',
      'CustomerDisabled',
      'CustomerEnabled',
    ]);

    const then = await api.request({ method: 'GET', url: `/streams/${streamId}?upToVersion=2` });
    expect(then.json()).toMatchObject({
      streamId,
      version: 2,
      state: { status: 'disabled', disabledReason: 'paused' },
    });
    expect(then.json().events).toHaveLength(2);
    expect(then.json().events[1]).toEqual({
      streamVersion: 2,
      globalPosition: expect.stringMatching(/^[1-9][0-9]*$/),
      eventId: expect.any(String),
      type: 'CustomerDisabled',
      schemaVersion: 1,
      data: { customerId, reason: 'paused' },
      metadata: expect.objectContaining({ actor: 'test', commandType: 'DisableCustomer' }),
      recordedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });

    const beyond = await api.request({ method: 'GET', url: `/streams/${streamId}?upToVersion=99` });
    expect(beyond.json().version).toBe(3);
  });

  test('playback at a time: the stream as it was when its second event was recorded', async () => {
    const customerId = `at-time-${Date.now()}`;
    await send({ type: 'RegisterCustomer', data: { customerId, name: 'T', email: 't@example.com' } });
    await send({ type: 'DisableCustomer', data: { customerId, reason: 'paused' } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await send({ type: 'EnableCustomer', data: { customerId } });
    const streamId = `customer-${customerId}`;
    const events = (await api.request({ method: 'GET', url: `/streams/${streamId}` })).json().events;
    const at = (time: string) =>
      api.request({ method: 'GET', url: `/streams/${streamId}?upToTime=${encodeURIComponent(time)}` });

    const then = await at(events[1].recordedAt);
    expect(then.json()).toMatchObject({ version: 2, state: { status: 'disabled' } });
    const before = await at(new Date(Date.parse(events[0].recordedAt) - 1000).toISOString());
    expect({ status: before.statusCode, body: before.json() }).toMatchObject({
      status: 404,
      body: { error: 'StreamNotFound', message: expect.stringContaining('at or before') },
    });
    await expectRejectedWithoutWrites(
      api,
      { method: 'GET', url: `/streams/${streamId}?upToTime=yesterday` },
      'querystring/upToTime must match format "date-time"',
    );
  });

  test('a stream with no events is a 404', async () => {
    const response = await api.request({ method: 'GET', url: '/streams/order-never-placed' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'StreamNotFound' });
  });

  test.each(['/streams/widget-1', '/streams/nodash', '/streams/constructor-1'])(
    'GET %s (no such stream type) is a 400',
    async (url) => {
      const response = await api.request({ method: 'GET', url });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: 'UnknownStreamType' });
    },
  );

  test.each([
    [
      '/streams/customer-1?upToVersion=0',
      'querystring/upToVersion must be a whole number from 1 to 999999999',
    ],
    [
      '/streams/customer-1?upToVersion=-1',
      'querystring/upToVersion must be a whole number from 1 to 999999999',
    ],
    [
      '/streams/customer-1?upToVersion=two',
      'querystring/upToVersion must be a whole number from 1 to 999999999',
    ],
    ['/streams/customer-1?version=2', "querystring must NOT have additional properties ('version')"],
  ])('GET %s is a 400', async (url, message) => {
    await expectRejectedWithoutWrites(api, { method: 'GET', url }, message);
  });
});
