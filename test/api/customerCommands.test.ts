// The customer commands: registering, the Idempotency-Key, disabling and enabling.
import { randomUUID } from 'node:crypto';
import { fingerprint } from '../../engine/http/auth';
import { bearer, testKeys } from '../harness/apiKeys';
import { readStream } from '../../engine/eventstore/readStream';
import { expectRejectedWithoutWrites, startApiTest, uniqueId, type ApiTest } from './apiHarness';
import { customerRegistration } from './customerRegistration';

let api: ApiTest;

beforeAll(async () => {
  api = await startApiTest('api-customer-commands');
});

afterAll(async () => {
  await api?.close();
});

const register = customerRegistration(() => api);

describe('POST /customers', () => {
  test('registers a customer under the given id and says where to find it', async () => {
    const customerId = uniqueId('c');
    const response = await register(customerId);
    expect(response.json()).toEqual({ customerId, version: 1, position: expect.stringMatching(/^[0-9]+$/) });
    expect(response.headers.location).toBe(`/customers/${customerId}`);
    const events = await readStream(api.database.pool, `customer-${customerId}`);
    expect(events.map((event) => [event.type, event.data])).toEqual([
      ['CustomerRegistered', { customerId, name: 'Ada Lovelace', email: `${customerId}@example.com` }],
    ]);
  });

  test('generates a uuid when no id is given', async () => {
    const response = await api.request({
      method: 'POST',
      url: '/customers',
      payload: { name: 'Grace Hopper', email: 'grace@example.com' },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json().customerId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });

  test('records the correlation id from the request and the actor from its API key, not from what it claims', async () => {
    const customerId = uniqueId('c');
    const response = await api.request({
      method: 'POST',
      url: '/customers',
      headers: { ...bearer('operator'), 'x-correlation-id': 'corr-123', 'x-actor': 'support:alice' },
      payload: { customerId, name: 'Alan Turing', email: 'alan@example.com' },
    });
    expect(response.statusCode).toBe(201);
    const [event] = await readStream(api.database.pool, `customer-${customerId}`);
    expect(event!.metadata).toMatchObject({
      correlationId: 'corr-123',
      actor: `api-key:operator:${fingerprint(testKeys.operator)}`,
      commandType: 'RegisterCustomer',
    });
    expect(event!.metadata.causationId).toEqual(expect.any(String));
  });

  test('without a correlation id a fresh one is recorded; the key is never', async () => {
    const customerId = uniqueId('c');
    await register(customerId);
    const [event] = await readStream(api.database.pool, `customer-${customerId}`);
    expect(event!.metadata.actor).toBe(`api-key:admin:${fingerprint(testKeys.admin)}`);
    expect(JSON.stringify(event)).not.toContain(testKeys.admin);
    expect(event!.metadata.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('registering the same id twice is a business conflict (409) and appends nothing', async () => {
    const customerId = uniqueId('c');
    await register(customerId);
    const before = await api.writes();
    const response = await api.request({
      method: 'POST',
      url: '/customers',
      payload: { customerId, name: 'Someone Else', email: 'else@example.com' },
    });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({
      error: 'CustomerAlreadyRegistered',
      message: expect.stringContaining(customerId),
      details: { customerId },
    });
    expect(await api.writes()).toEqual(before);
  });

  test.each([
    [{ email: 'a@example.com' }, "body must have required property 'name'"],
    [{ name: 'A', email: 'not-an-email' }, 'body/email must match format "email"'],
    [{ name: '', email: 'a@example.com' }, 'body/name must NOT have fewer than 1 characters'],
    [{ name: '   ', email: 'a@example.com' }, 'body/name must contain a non-space character'],
    [{ name: null, email: 'a@example.com' }, 'body/name must be string'],
    [{ name: 'A', email: 'a@example.com', vip: true }, "body must NOT have additional properties ('vip')"],
    [
      { customerId: 'has space', name: 'A', email: 'a@example.com' },
      'body/customerId must be 1 to 100 characters, each a letter, digit, or one of _ . : -',
    ],
    [
      { customerId: 'x'.repeat(101), name: 'A', email: 'a@example.com' },
      /^body\/customerId must be 1 to 100/,
    ],
  ])('rejects %j with a 400 that says what is wrong and writes nothing', async (payload, message) => {
    await expectRejectedWithoutWrites(api, { method: 'POST', url: '/customers', payload }, message);
  });

  test('a body that is not JSON is a 400', async () => {
    const response = await api.request({
      method: 'POST',
      url: '/customers',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: expect.any(String), message: expect.any(String) });
  });
});

describe('Idempotency-Key', () => {
  test('the same key twice returns the same result and appends one event', async () => {
    const key = randomUUID();
    const before = await api.writes();
    const send = () =>
      api.request({
        method: 'POST',
        url: '/customers',
        headers: { 'idempotency-key': key },
        payload: { name: 'Retry Rita', email: 'rita@example.com' },
      });
    const first = await send();
    const second = await send();
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json()).toEqual(first.json());
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await api.writes()).toEqual({ events: before.events + 1, commands: before.commands + 1 });
  });

  test('the same key with a different body is a 409 and appends nothing', async () => {
    const key = randomUUID();
    const customerId = uniqueId('c');
    const first = await api.request({
      method: 'POST',
      url: `/customers`,
      headers: { 'idempotency-key': key },
      payload: { customerId, name: 'First', email: 'first@example.com' },
    });
    expect(first.statusCode).toBe(201);
    const before = await api.writes();
    const second = await api.request({
      method: 'POST',
      url: `/customers`,
      headers: { 'idempotency-key': key },
      payload: { customerId, name: 'Second', email: 'second@example.com' },
    });
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ error: 'IdempotencyKeyReused' });
    expect(await api.writes()).toEqual(before);
  });

  test('a key used for another kind of command is a 409', async () => {
    const key = randomUUID();
    const customerId = uniqueId('c');
    await register(customerId);
    const disabled = await api.request({
      method: 'POST',
      url: `/customers/${customerId}/disable`,
      headers: { 'idempotency-key': key },
      payload: { reason: 'fraud' },
    });
    expect(disabled.statusCode).toBe(200);
    const enabled = await api.request({
      method: 'POST',
      url: `/customers/${customerId}/enable`,
      headers: { 'idempotency-key': key },
    });
    expect(enabled.statusCode).toBe(409);
    expect(enabled.json().error).toBe('IdempotencyKeyReused');
  });

  test('the key becomes the command id, namespaced away from saga command ids', async () => {
    const key = `k-${randomUUID()}`;
    const customerId = uniqueId('c');
    await api.request({
      method: 'POST',
      url: '/customers',
      headers: { 'idempotency-key': key },
      payload: { customerId, name: 'Keyed', email: 'keyed@example.com' },
    });
    const [event] = await readStream(api.database.pool, `customer-${customerId}`);
    expect(event!.metadata.commandId).toBe(`http:${key}`);
  });

  test.each([
    ['', 'headers/idempotency-key must NOT have fewer than 1 characters'],
    ['k'.repeat(201), 'headers/idempotency-key must NOT have more than 200 characters'],
  ])('rejects the key %j', async (key, message) => {
    await expectRejectedWithoutWrites(
      api,
      {
        method: 'POST',
        url: '/customers',
        headers: { 'idempotency-key': key },
        payload: { name: 'A', email: 'a@example.com' },
      },
      message,
    );
  });
});

describe('POST /customers/:id/disable and /enable', () => {
  test('disable, disable again, enable, enable again: versions and changed flags', async () => {
    const customerId = uniqueId('c');
    await register(customerId);
    const disable = () =>
      api.request({
        method: 'POST',
        url: `/customers/${customerId}/disable`,
        payload: { reason: 'chargeback' },
      });
    const enable = () => api.request({ method: 'POST', url: `/customers/${customerId}/enable` });

    const first = await disable();
    expect(first.statusCode).toBe(200);
    const { position } = first.json();
    expect(first.json()).toEqual({
      customerId,
      version: 2,
      changed: true,
      position: expect.stringMatching(/^[0-9]+$/),
    });
    expect((await disable()).json()).toEqual({ customerId, version: 2, changed: false, position });
    const enabled = (await enable()).json();
    expect(enabled).toEqual({
      customerId,
      version: 3,
      changed: true,
      position: expect.stringMatching(/^[0-9]+$/),
    });
    expect(BigInt(enabled.position)).toBeGreaterThan(BigInt(position));
    expect((await enable()).json()).toEqual({
      customerId,
      version: 3,
      changed: false,
      position: enabled.position,
    });
  });

  test('an unknown customer is a 404 and nothing is written', async () => {
    const before = await api.writes();
    for (const url of ['/customers/nobody/disable', '/customers/nobody/enable']) {
      const response = await api.request({
        method: 'POST',
        url,
        ...(url.endsWith('disable') ? { payload: { reason: 'x' } } : {}),
      });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ error: 'CustomerNotFound', details: { id: 'nobody' } });
    }
    expect(await api.writes()).toEqual(before);
  });

  test.each([
    [{}, "body must have required property 'reason'"],
    [{ reason: '' }, 'body/reason must NOT have fewer than 1 characters'],
    [{ reason: 'x', force: true }, "body must NOT have additional properties ('force')"],
  ])('disable rejects %j', async (payload, message) => {
    const customerId = uniqueId('c');
    await register(customerId);
    await expectRejectedWithoutWrites(
      api,
      { method: 'POST', url: `/customers/${customerId}/disable`, payload },
      message,
    );
  });

  test('an id outside the allowed characters is a 400', async () => {
    await expectRejectedWithoutWrites(
      api,
      { method: 'POST', url: '/customers/bad%20id/enable' },
      'params/customerId must be 1 to 100 characters, each a letter, digit, or one of _ . : -',
    );
  });
});
