import { Client, Connection } from '@temporalio/client';
import { Pool } from 'pg';
import { send, startApiTest, type ApiTest } from './apiHarness';

let api: ApiTest;

beforeAll(async () => {
  api = await startApiTest('api-health');
});

afterAll(async () => {
  await api?.close();
});

// Port 1 is reserved and nothing listens there: a dependency that is simply down.
const closedPort = '127.0.0.1:1';

test('both dependencies answering is a 200', async () => {
  const response = await api.request({ method: 'GET', url: '/health' });
  expect(response.statusCode).toBe(200);
  expect(response.json()).toEqual({ postgres: 'up', temporal: 'up' });
});

test('PostgreSQL down is a 503 that names it', async () => {
  const pool = new Pool({ connectionString: `postgres://${closedPort}/x`, connectionTimeoutMillis: 1_000 });
  pool.on('error', () => {});
  try {
    const response = await send(api.appWith({ pool }), { method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({
      error: 'DependencyDown',
      message: 'postgres is down',
      postgres: 'down',
      temporal: 'up',
      details: { postgres: expect.stringContaining('ECONNREFUSED') },
    });
  } finally {
    await pool.end();
  }
});

test('Temporal down is a 503 that names it', async () => {
  // No retry interceptor: a retry timer left behind would fire on the closed connection after the test.
  const connection = Connection.lazy({ address: closedPort, interceptors: [] });
  try {
    const client = new Client({ connection, namespace: api.temporal.namespace });
    const app = api.appWith({ temporal: { client, namespace: api.temporal.namespace } });
    const response = await send(app, { method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({
      error: 'DependencyDown',
      message: 'temporal is down',
      postgres: 'up',
      temporal: 'down',
    });
  } finally {
    await connection.close();
  }
});

test('a command while PostgreSQL is down is a 503', async () => {
  const pool = new Pool({ connectionString: `postgres://${closedPort}/x`, connectionTimeoutMillis: 1_000 });
  pool.on('error', () => {});
  try {
    const response = await send(api.appWith({ pool }), {
      method: 'POST',
      url: '/customers',
      payload: { name: 'A', email: 'a@example.com' },
    });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ error: 'DatabaseUnavailable' });
  } finally {
    await pool.end();
  }
});
