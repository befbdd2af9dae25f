// Reading customers (by id once projected, pages with a cursor and a status filter), and an unknown route.
import { randomUUID } from 'node:crypto';
import { expectRejectedWithoutWrites, startApiTest, uniqueId, type ApiTest } from './apiHarness';
import { customerRegistration } from './customerRegistration';

let api: ApiTest;

beforeAll(async () => {
  api = await startApiTest('api-customer-reads');
});

afterAll(async () => {
  await api?.close();
});

const register = customerRegistration(() => api);

describe('GET /customers', () => {
  test('a customer appears once the projection has read its events', async () => {
    const customerId = uniqueId('c');
    await register(customerId, 'Read Model');
    const early = await api.request({ method: 'GET', url: `/customers/${customerId}` });
    expect(early.statusCode).toBe(404);
    expect(early.json()).toMatchObject({ error: 'CustomerNotFound' });

    await api.project();
    const response = await api.request({ method: 'GET', url: `/customers/${customerId}` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      customerId,
      name: 'Read Model',
      email: `${customerId}@example.com`,
      status: 'active',
      disabledReason: null,
      version: 1,
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      spending: [],
    });

    await api.request({
      method: 'POST',
      url: `/customers/${customerId}/disable`,
      payload: { reason: 'asked to leave' },
    });
    await api.project();
    expect((await api.request({ method: 'GET', url: `/customers/${customerId}` })).json()).toMatchObject({
      status: 'disabled',
      disabledReason: 'asked to leave',
      version: 2,
    });
  });

  test('pages in id order with a cursor and filters by status', async () => {
    const prefix = `page-${randomUUID().slice(0, 6)}`;
    const ids = [1, 2, 3, 4, 5].map((n) => `${prefix}-${n}`);
    for (const customerId of ids) await register(customerId);
    await api.request({ method: 'POST', url: `/customers/${ids[1]}/disable`, payload: { reason: 'r' } });
    await api.project();

    const seen: string[] = [];
    let after = `${prefix}-0`;
    for (;;) {
      const response = await api.request({ method: 'GET', url: `/customers?limit=2&after=${after}` });
      expect(response.statusCode).toBe(200);
      const page = response.json() as { items: Array<{ customerId: string }>; nextAfter: string | null };
      seen.push(...page.items.map((item) => item.customerId).filter((id) => id.startsWith(prefix)));
      if (!page.nextAfter || !page.nextAfter.startsWith(prefix)) break;
      expect(page.items).toHaveLength(2);
      after = page.nextAfter;
    }
    expect(seen).toEqual(ids);

    const disabled = await api.request({
      method: 'GET',
      url: `/customers?status=disabled&after=${prefix}-0&limit=500`,
    });
    const disabledIds = (disabled.json().items as Array<{ customerId: string }>)
      .map((item) => item.customerId)
      .filter((id) => id.startsWith(prefix));
    expect(disabledIds).toEqual([ids[1]]);
  });

  test('the last page says there is no next one', async () => {
    const response = await api.request({ method: 'GET', url: '/customers?after=zzzzzzzzzz&limit=10' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ items: [], nextAfter: null });
  });

  test.each([
    ['/customers?limit=0', 'querystring/limit must be a whole number from 1 to 500'],
    ['/customers?limit=501', 'querystring/limit must be a whole number from 1 to 500'],
    ['/customers?limit=ten', 'querystring/limit must be a whole number from 1 to 500'],
    ['/customers?status=gone', 'querystring/status must be one of "active", "disabled"'],
    ['/customers?sort=name', "querystring must NOT have additional properties ('sort')"],
    ['/customers/a%20b', /^params\/customerId must be 1 to 100 characters/],
  ])('GET %s is a 400', async (url, message) => {
    await expectRejectedWithoutWrites(api, { method: 'GET', url }, message);
  });
});

test('an unknown route is a JSON 404', async () => {
  const response = await api.request({ method: 'GET', url: '/nowhere' });
  expect(response.statusCode).toBe(404);
  expect(response.json()).toEqual({ error: 'RouteNotFound', message: 'No route GET /nowhere' });
});
