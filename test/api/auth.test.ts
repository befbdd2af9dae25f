import { Writable } from 'node:stream';
import { parseApiKeys } from '../../engine/http/auth';
import { bearer, testKeys } from '../harness/apiKeys';
import { send, startApiTest, type ApiTest } from './apiHarness';

// Every route but /health needs a key; the key's role decides what it may do; nothing a refused request
// asked for is written.
let api: ApiTest;

beforeAll(async () => {
  api = await startApiTest('api-auth');
});

afterAll(async () => {
  await api?.close();
});

const customer = { name: 'Ada', email: 'ada@example.com' };

async function refusedWithoutWrites(
  request: Parameters<ApiTest['request']>[0],
  status: 401 | 403,
  message: RegExp,
): Promise<void> {
  const before = await api.writes();
  const response = await api.request(request);
  expect(response.statusCode).toBe(status);
  expect(response.json()).toEqual({
    error: status === 401 ? 'unauthorized' : 'forbidden',
    message: expect.stringMatching(message),
  });
  expect(await api.writes()).toEqual(before);
  if (status === 401) expect(response.headers['www-authenticate']).toBe('Bearer realm="procession"');
}

test.each([
  ['no key', { authorization: '' }, /needs an API key: send Authorization: Bearer <key>/],
  ['a header that is not Bearer', { authorization: `Basic ${testKeys.admin}` }, /must be: Bearer <key>/],
  ['a bare key', { authorization: testKeys.admin }, /must be: Bearer <key>/],
  ['an unknown key', { authorization: 'Bearer not-a-key-anyone-has-0000' }, /not known/],
  ['a key with a space inside', { authorization: `Bearer ${testKeys.admin} x` }, /must be: Bearer <key>/],
])('%s is a 401 and writes nothing', async (_case, headers, message) => {
  await refusedWithoutWrites({ method: 'POST', url: '/customers', headers, payload: customer }, 401, message);
});

test.each([
  ['viewer', 'POST', '/customers', customer, 'operator'],
  ['viewer', 'POST', '/inventory/sku-1/receive', { quantity: 1 }, 'operator'],
  ['operator', 'POST', '/bulk/disable-all-customers', { reason: 'r' }, 'admin'],
  ['operator', 'POST', '/bulk/no-such-task', {}, 'admin'],
  ['operator', 'POST', '/parked-events/3f1c3a3e-0000-4000-8000-000000000000/replay', undefined, 'admin'],
  ['operator', 'POST', '/read-models/customers/rebuild', undefined, 'admin'],
] as const)('the %s key may not %s %s: 403, nothing written', async (role, method, url, payload, needed) => {
  await refusedWithoutWrites(
    { method, url, headers: bearer(role), payload },
    403,
    new RegExp(`needs the ${needed} role; the key has the ${role} role`),
  );
});

test('viewer reads, operator commands, admin runs bulk tasks; /health needs no key', async () => {
  expect(
    (await api.request({ method: 'GET', url: '/customers', headers: bearer('viewer') })).statusCode,
  ).toBe(200);
  expect(
    (await api.request({ method: 'GET', url: '/bulk-tasks', headers: bearer('viewer') })).statusCode,
  ).toBe(200);
  expect(
    (await api.request({ method: 'POST', url: '/customers', headers: bearer('operator'), payload: customer }))
      .statusCode,
  ).toBe(201);
  expect(
    (await api.request({ method: 'POST', url: '/customers', headers: bearer('admin'), payload: customer }))
      .statusCode,
  ).toBe(201);
  const bulk = await api.request({
    method: 'POST',
    url: '/bulk/disable-all-customers',
    headers: bearer('admin'),
    payload: { reason: 'r' },
  });
  expect(bulk.statusCode).toBe(202);
  api.trackWorkflow(bulk.json().workflowId);
  expect(
    (await api.request({ method: 'GET', url: '/health', headers: { authorization: '' } })).statusCode,
  ).toBe(200);
});

test('an admin can have a read model rebuilt; the running projection refills it', async () => {
  const response = await api.request({ method: 'POST', url: '/read-models/customers/rebuild' });
  expect(response.statusCode).toBe(202);
  expect(response.json()).toMatchObject({ name: 'customers', position: '0', transactionId: '0' });
  expect((await api.request({ method: 'POST', url: '/read-models/nope/rebuild' })).json().error).toBe(
    'ReadModelNotFound',
  );
});

test('API_KEYS: several keys per role; a bad entry names the entry, never the key', () => {
  const keys = parseApiKeys('admin:aaaaaaaaaaaaaaaa1, viewer:bbbbbbbbbbbbbbbb1,viewer:cccccccccccccccc1');
  expect([...keys.byHash.values()].map((identity) => identity.role)).toEqual(['admin', 'viewer', 'viewer']);
  expect(() => parseApiKeys('root:aaaaaaaaaaaaaaaa1')).toThrow(
    /entry 1 must be <role>:<key> with a role of viewer, operator, admin/,
  );
  expect(() => parseApiKeys('admin:aaaaaaaaaaaaaaaa1,viewer:short')).toThrow(
    /entry 2 \(viewer\): a key is 16 to 200/,
  );
  expect(() => parseApiKeys('admin:aaaaaaaaaaaaaaaa1,viewer:short')).not.toThrow(/short/);
  expect(() => parseApiKeys(' , ')).toThrow(/API_KEYS is empty/);
});

test('a per-key rate limit answers 429 in the error shape; another key keeps its own allowance', async () => {
  const app = api.appWith({ rateLimitPerMinute: 3 });
  for (let i = 0; i < 3; i++)
    expect(
      (await send(app, { method: 'GET', url: '/customers', headers: bearer('viewer') })).statusCode,
    ).toBe(200);
  const limited = await send(app, { method: 'GET', url: '/customers', headers: bearer('viewer') });
  expect(limited.statusCode).toBe(429);
  expect(limited.json()).toEqual({
    error: 'RateLimited',
    message: expect.stringMatching(/^More than 3 requests in 1 minute with this key; retry in \d+ ms$/),
  });
  expect(
    (await send(app, { method: 'GET', url: '/customers', headers: bearer('operator') })).statusCode,
  ).toBe(200);
  expect((await send(app, { method: 'GET', url: '/health' })).statusCode).toBe(200);
});

test('a body over the limit is a 413 in the error shape, and nothing is written', async () => {
  const app = api.appWith({ bodyLimitBytes: 1024 });
  const before = await api.writes();
  const response = await send(app, {
    method: 'POST',
    url: '/customers',
    payload: { ...customer, name: 'x'.repeat(2000) },
  });
  expect(response.statusCode).toBe(413);
  expect(response.json()).toEqual({
    error: 'PayloadTooLarge',
    message: expect.stringMatching(/larger than the server accepts/),
  });
  expect(await api.writes()).toEqual(before);
});

test('keys never reach the log', async () => {
  let logged = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logged += String(chunk);
      done();
    },
  });
  const app = api.appWith({ logger: { level: 'trace', stream } });
  await send(app, { method: 'GET', url: '/customers', headers: bearer('viewer') });
  await send(app, {
    method: 'GET',
    url: '/customers',
    headers: { authorization: 'Bearer unknown-key-1234567890' },
  });
  expect(logged).toContain('/customers');
  expect(logged).not.toContain(testKeys.viewer);
  expect(logged).not.toContain('unknown-key-1234567890');
});
