import { bearer } from '../harness/apiKeys';
import { startApiTest, uniqueId, type ApiTest } from './apiHarness';

// POST /streams/:streamId/revert takes a stream back to a version by appending the reversing commands'
// events, newest first; it never deletes, and refuses with nothing written what it cannot undo.
let api: ApiTest;

beforeAll(async () => {
  api = await startApiTest('api-stream-revert');
});

afterAll(async () => {
  await api?.close();
});

/** A customer disabled for fraud, re-enabled, then disabled again for an audit: versions 1–4. */
async function customerWithHistory(): Promise<string> {
  const customerId = uniqueId('revert');
  const post = (url: string, payload?: unknown) => api.request({ method: 'POST', url, payload });
  expect((await post('/customers', { customerId, name: 'Ada', email: 'ada@example.com' })).statusCode).toBe(
    201,
  );
  await post(`/customers/${customerId}/disable`, { reason: 'fraud' });
  await post(`/customers/${customerId}/enable`);
  await post(`/customers/${customerId}/disable`, { reason: 'audit' });
  return `customer-${customerId}`;
}

const revert = (streamId: string, payload: unknown, query = '', headers: Record<string, string> = {}) =>
  api.request({ method: 'POST', url: `/streams/${streamId}/revert${query}`, payload, headers });

test('a dry run shows the reversing commands, their events and the state after; nothing is written', async () => {
  const streamId = await customerWithHistory();
  const before = await api.writes();
  const preview = await revert(streamId, { toVersion: 2 }, '?dryRun=true');
  expect(preview.statusCode).toBe(200);
  expect(preview.json()).toMatchObject({
    dryRun: true,
    fromVersion: 4,
    toVersion: 2,
    commands: [
      { undoes: 4, type: 'EnableCustomer', data: { reason: 'reverted', ifDisabledFor: 'audit' } },
      { undoes: 3, type: 'DisableCustomer', data: { reason: 'fraud' } },
    ],
    events: [{ type: 'CustomerEnabled' }, { type: 'CustomerDisabled', data: { reason: 'fraud' } }],
    state: { status: 'disabled', disabledReason: 'fraud' },
  });
  expect(await api.writes()).toEqual(before);
});

test('a revert appends the reversing events and leaves the state of the target version; a retry adds nothing', async () => {
  const streamId = await customerWithHistory();
  const done = await revert(streamId, { toVersion: 2 });
  expect(done.statusCode).toBe(200);
  expect(done.json()).toMatchObject({ fromVersion: 4, toVersion: 2, version: 6 });
  const stream = (await api.request({ method: 'GET', url: `/streams/${streamId}` })).json();
  expect(stream.events.map((event: { type: string }) => event.type)).toEqual([
    'CustomerRegistered',
    'CustomerDisabled',
    'CustomerEnabled',
    'CustomerDisabled',
    'CustomerEnabled',
    'CustomerDisabled',
  ]);
  expect(stream.state).toMatchObject({ status: 'disabled', disabledReason: 'fraud' });
  // Caused by the revert request, under its own command ids.
  expect(stream.events[4].metadata.commandId).toBe(`revert:${streamId}@4>2:0`);

  const before = await api.writes();
  const again = await revert(streamId, { toVersion: 2, expectedVersion: 4 });
  expect(again.statusCode).toBe(200);
  expect(again.json().version).toBe(6);
  expect(await api.writes()).toEqual(before);
});

test('an irreversible event on the way refuses the whole revert with its reason; nothing is written', async () => {
  const streamId = await customerWithHistory();
  const before = await api.writes();
  const refused = await revert(streamId, { toVersion: 0 });
  expect(refused.statusCode).toBe(409);
  expect(refused.json()).toMatchObject({
    error: 'EventNotReversible',
    details: { version: 1, eventType: 'CustomerRegistered' },
  });
  expect(refused.json().message).toMatch(
    /Version 1 \(CustomerRegistered\) cannot be reverted: .*disable the customer/,
  );
  expect(await api.writes()).toEqual(before);
});

test('a stream changed since the expected version, or of an aggregate with no reversals, is refused', async () => {
  const streamId = await customerWithHistory();
  const customerId = streamId.slice('customer-'.length);
  await api.request({ method: 'POST', url: `/customers/${customerId}/enable` });
  const before = await api.writes();
  const changed = await revert(streamId, { toVersion: 2, expectedVersion: 4 });
  expect(changed.statusCode).toBe(409);
  expect(changed.json()).toMatchObject({ error: 'StreamChanged', details: { fromVersion: 4, version: 5 } });

  const group = await api.request({ method: 'POST', url: '/groups', payload: { name: 'G' } });
  const noReversals = await revert(`group-${group.json().groupId}`, { toVersion: 0 });
  expect(noReversals.statusCode).toBe(409);
  expect(noReversals.json().details.reason).toBe('the group aggregate declares no reversals');
  expect(await api.writes()).toEqual({ ...before, events: before.events + 1, commands: before.commands + 1 });
});

test('bad requests answer 4xx naming the problem, and write nothing', async () => {
  const streamId = await customerWithHistory();
  const before = await api.writes();
  const cases: [unknown, string, number, RegExp | string][] = [
    [{ toVersion: 4 }, streamId, 400, 'NothingToRevert'],
    [{ toVersion: -1 }, streamId, 400, 'ValidationFailed'],
    [{ toVersion: 1, extra: true }, streamId, 400, 'ValidationFailed'],
    [{ toVersion: 1, expectedVersion: 9 }, streamId, 409, 'VersionMismatch'],
    [{ toVersion: 0 }, 'nosuchtype-1', 400, 'UnknownStreamType'],
    [{ toVersion: 0 }, 'customer-nobody-here', 404, 'StreamNotFound'],
  ];
  for (const [payload, stream, status, error] of cases) {
    const response = await revert(stream, payload);
    expect({ status: response.statusCode, error: response.json().error }).toEqual({ status, error });
  }
  const asOperator = await revert(streamId, { toVersion: 2 }, '', bearer('operator'));
  expect(asOperator.statusCode).toBe(403);
  expect(await api.writes()).toEqual(before);
});
