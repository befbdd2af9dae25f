import { startApiTest, type ApiTest } from './apiHarness';
import { hostileCases } from './hostileCases';

// Malformed and hostile requests across every route: each is a 4xx whose message names the field and
// the problem, nothing is appended, nothing internal leaks, and the server stays healthy. Text that is
// legitimately accepted is stored and returned exactly.
let api: ApiTest;

beforeAll(async () => {
  api = await startApiTest('api-hostile');
  // A customer and a stock line exist, so refusals are about the request, not a missing aggregate.
  await api.request({
    method: 'POST',
    url: '/customers',
    payload: { customerId: 'c-1', name: 'A', email: 'a@b.co' },
  });
});

afterAll(async () => {
  await api?.close();
});

test('there are at least 60 of them', () => {
  expect(hostileCases.length).toBeGreaterThanOrEqual(60);
});

test.each(hostileCases.map((hostile) => [hostile.name, hostile] as const))('%s', async (_name, hostile) => {
  const before = await api.writes();
  const body =
    hostile.body === undefined || typeof hostile.body === 'string'
      ? hostile.body
      : JSON.stringify(hostile.body);
  const headers: Record<string, string> = { ...hostile.headers };
  if (body !== undefined) headers['content-type'] = hostile.contentType ?? 'application/json';
  const response = await api.request({
    method: hostile.method as 'GET',
    url: hostile.url,
    headers,
    payload: body,
  });
  expect({ status: response.statusCode, error: response.json().error }).toEqual({
    status: hostile.status,
    error: hostile.error,
  });
  expect(Object.keys(response.json()).sort()).toEqual(expect.arrayContaining(['error', 'message']));
  expect(response.json().message).toMatch(hostile.message);
  // Nothing from inside: no stack frames, no SQL, no file paths.
  expect(response.body).not.toMatch(/\bat \S+:\d+|\/work\/|node_modules|\b(select|insert|update) .* from\b/i);
  expect(await api.writes()).toEqual(before);
});

test('the server is healthy after all of them', async () => {
  expect((await api.request({ method: 'GET', url: '/health' })).statusCode).toBe(200);
});

test.each([
  ['unicode', 'Zoë Łukasiewicz 李小龍 🚀'],
  ['quotes', `O'Brien "the \\ backslash"`],
  ['SQL-looking text', "Robert'); DROP TABLE events;--"],
  ['script-looking text', '<script>alert("x")</script>'],
  ['an emoji with a combining mark', 'e\u0301 👩‍👩‍👧'],
])('%s in a name is stored and returned exactly', async (_case, name) => {
  const created = await api.request({
    method: 'POST',
    url: '/customers',
    payload: { name, email: 'u@example.com' },
  });
  expect(created.statusCode).toBe(201);
  const { customerId, position } = created.json();
  await api.project();
  const read = await api.request({ method: 'GET', url: `/customers/${customerId}?minPosition=${position}` });
  expect(read.json().name).toBe(name);
});
