import { randomUUID } from 'node:crypto';
import { handleCommand } from '../../engine/commands/commandHandler';
import { shop } from '../../domain/registry';
import { createTestDatabase } from '../harness/database';
import { send, startApiTest, type ApiRequest, type ApiTest } from './apiHarness';

// ?dryRun=true: what the call would do, decided exactly as the real call decides it, and nothing written.
let api: ApiTest;

beforeAll(async () => {
  api = await startApiTest('api-dry-run');
});

afterAll(async () => {
  await api?.close();
});

const register = (customerId: string) =>
  handleCommand(api.database.pool, shop, {
    commandId: randomUUID(),
    command: { type: 'RegisterCustomer', data: { customerId, name: 'Ada', email: 'ada@example.com' } },
    metadata: { correlationId: 'c', causationId: 'c', actor: 'test' },
  });

const dry = (request: ApiRequest): ApiRequest => ({
  ...request,
  url: `${request.url}${request.url.includes('?') ? '&' : '?'}dryRun=true`,
});

/** The dry run answers, and afterwards the log and the command table are as they were. */
async function dryRunWritingNothing(request: ApiRequest) {
  const before = await api.writes();
  const response = await api.request(dry(request));
  expect(await api.writes()).toEqual(before);
  return response;
}

test('a new customer: the event it would append and the state after it, and no stream afterwards', async () => {
  const response = await dryRunWritingNothing({
    method: 'POST',
    url: '/customers',
    payload: { customerId: 'dry-new', name: 'Ada', email: 'ada@example.com' },
  });
  expect(response.statusCode).toBe(200);
  expect(response.json()).toEqual({
    dryRun: true,
    streamId: 'customer-dry-new',
    version: 1,
    duplicate: false,
    events: [
      {
        streamVersion: 1,
        type: 'CustomerRegistered',
        data: { customerId: 'dry-new', name: 'Ada', email: 'ada@example.com' },
      },
    ],
    state: expect.objectContaining({ status: 'active' }),
  });
  expect((await api.request({ method: 'GET', url: '/streams/customer-dry-new' })).statusCode).toBe(404);
});

test('a route whose own answer is a 200 answers the preview whole, and the stream stays as it was', async () => {
  await register('dry-disable');
  const response = await dryRunWritingNothing({
    method: 'POST',
    url: '/customers/dry-disable/disable',
    payload: { reason: 'fraud check' },
  });
  expect(response.statusCode).toBe(200);
  expect(response.json()).toMatchObject({
    dryRun: true,
    version: 2,
    events: [{ streamVersion: 2, type: 'CustomerDisabled', data: { reason: 'fraud check' } }],
    state: { status: 'disabled', disabledReason: 'fraud check' },
  });
  const stream = await api.request({ method: 'GET', url: '/streams/customer-dry-disable' });
  expect(stream.json()).toMatchObject({ version: 1, state: { status: 'active' } });
});

test.each([
  ['a business rule (409)', 'dry-twice', { method: 'POST', url: '/customers' }],
  ['a missing aggregate (404)', 'dry-missing', { method: 'POST', url: '/customers/dry-missing/disable' }],
] as const)('a command the decider rejects for %s is rejected the same way', async (_case, id, route) => {
  if (id === 'dry-twice') await register(id);
  const request: ApiRequest = {
    ...route,
    payload: id === 'dry-twice' ? { customerId: id, name: 'Ada', email: 'a@example.com' } : { reason: 'r' },
  };
  const preview = await dryRunWritingNothing(request);
  const before = await api.writes();
  const real = await api.request(request);
  expect(await api.writes()).toEqual(before);
  expect([preview.statusCode, preview.json()]).toEqual([real.statusCode, real.json()]);
  expect(preview.statusCode).toBe(id === 'dry-twice' ? 409 : 404);
});

test('an invalid body is the same 400 with or without a dry run', async () => {
  const request: ApiRequest = { method: 'POST', url: '/customers', payload: { name: 'Ada', email: 'nope' } };
  const preview = await dryRunWritingNothing(request);
  const real = await api.request(request);
  expect(preview.statusCode).toBe(400);
  expect(preview.json()).toEqual(real.json());
});

test('a used Idempotency-Key: the preview says the call would only replay; a reused one is refused', async () => {
  const headers = { 'idempotency-key': `dry-${randomUUID()}` };
  const payload = { name: 'Ada', email: 'ada@example.com' };
  expect((await api.request({ method: 'POST', url: '/customers', headers, payload })).statusCode).toBe(201);
  const replay = await dryRunWritingNothing({ method: 'POST', url: '/customers', headers, payload });
  expect(replay.json()).toMatchObject({ dryRun: true, duplicate: true, events: [], version: 1 });
  const reused = await dryRunWritingNothing({
    method: 'POST',
    url: '/customers',
    headers,
    payload: { ...payload, name: 'Bob' },
  });
  expect([reused.statusCode, reused.json().error]).toEqual([409, 'IdempotencyKeyReused']);
});

test.each(['maybe', '', 'TRUE'])('dryRun=%j is a 400 and writes nothing', async (value) => {
  const before = await api.writes();
  const response = await api.request({
    method: 'POST',
    url: `/customers?dryRun=${value}`,
    payload: { name: 'Ada', email: 'ada@example.com' },
  });
  expect(response.statusCode).toBe(400);
  expect(response.json()).toMatchObject({
    error: 'ValidationFailed',
    details: { issues: [{ path: 'querystring/dryRun', message: 'must be one of "true", "false"' }] },
  });
  expect(await api.writes()).toEqual(before);
});

test('dryRun=false is the real call', async () => {
  const response = await api.request({
    method: 'POST',
    url: '/customers?dryRun=false',
    payload: { customerId: 'dry-false', name: 'Ada', email: 'ada@example.com' },
  });
  expect(response.statusCode).toBe(201);
});

test('a route with no dry run refuses one instead of carrying the call out', async () => {
  const response = await api.request({ method: 'POST', url: '/read-models/customers/rebuild?dryRun=true' });
  expect(response.statusCode).toBe(400);
  expect(response.json()).toEqual({
    error: 'DryRunNotSupported',
    message: 'POST /read-models/:name/rebuild has no dry run; only command routes take ?dryRun',
  });
});

describe('POST /bulk/<task>?dryRun=true', () => {
  test('counts the items a run would visit and shows the first 20, starting nothing', async () => {
    const ids = Array.from({ length: 25 }, (_, index) => `dry-bulk-${String(index).padStart(2, '0')}`);
    for (const id of ids) await register(id);
    await api.project();
    const everyone = await api.database.pool.query<{ customer_id: string }>(
      'select customer_id from customers order by customer_id',
    );
    const before = await api.writes();
    const response = await api.request({
      method: 'POST',
      url: '/bulk/disable-all-customers?dryRun=true',
      payload: { reason: 'compliance sweep' },
    });
    expect(response.statusCode).toBe(200);
    const { count, sample } = response.json();
    expect(response.json()).toMatchObject({ dryRun: true, task: 'disable-all-customers' });
    expect(count).toBe(everyone.rows.length);
    expect(count).toBeGreaterThanOrEqual(25);
    expect(sample).toEqual(everyone.rows.slice(0, 20).map((row) => row.customer_id));
    // No RequestBulkTask command, so no BulkTaskRequested event for the relay to start a run from.
    expect(await api.writes()).toEqual(before);
  });

  test('on an empty log: nothing to visit', async () => {
    const empty = await createTestDatabase();
    try {
      const app = api.appWith({ pool: empty.pool });
      const response = await send(app, {
        method: 'POST',
        url: '/bulk/disable-all-customers?dryRun=true',
        payload: { reason: 'compliance sweep' },
      });
      expect([response.statusCode, response.json().count, response.json().sample]).toEqual([200, 0, []]);
      await app.close();
    } finally {
      await empty.drop();
    }
  });

  test('parameters are validated as for the real request', async () => {
    const request: ApiRequest = { method: 'POST', url: '/bulk/enable-customers', payload: { reason: 'r' } };
    const preview = await dryRunWritingNothing(request);
    const real = await api.request(request);
    expect(preview.statusCode).toBe(400);
    expect(preview.json()).toEqual(real.json());
  });

  test('an unknown task is the same 404', async () => {
    const preview = await dryRunWritingNothing({ method: 'POST', url: '/bulk/no-such-task', payload: {} });
    expect([preview.statusCode, preview.json().error]).toEqual([404, 'UnknownBulkTask']);
  });
});
