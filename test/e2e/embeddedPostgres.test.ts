import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { connectionConfig } from '../../engine/eventstore/database';
import { startOrConnectDatabase, type DatabaseTarget } from '../../engine/postgres/target';
import { findFreePort } from '../../engine/temporal/freePort';
import { startProcession, type RunningProcession } from '../../worker/procession';
import { bearer, testApiKeys } from '../harness/apiKeys';
import { eventually, testWorkflowBundle } from '../harness/sagaHarness';
import { testTemporalSettings } from '../harness/temporal';

// The embedded default, once: the server from the npm package starts on an empty data directory, the
// event store is migrated into it, a saga runs through it over HTTP, and after a stop and a second start
// on the same directory the events are still there.
let scratch: string;
let dataDir: string;
let port: number;
let database: DatabaseTarget | undefined;
let procession: RunningProcession | undefined;

beforeAll(async () => {
  // As root the server runs as the OS user postgres, which must be able to enter the scratch folder.
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'procession-embedded-'));
  fs.chmodSync(scratch, 0o755);
  dataDir = path.join(scratch, 'postgres');
  port = await findFreePort();
});

afterAll(async () => {
  await procession?.stop();
  await database?.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
});

async function query(url: string, sql: string, values: unknown[] = []) {
  const client = new Client(connectionConfig(url));
  await client.connect();
  try {
    return (await client.query(sql, values)).rows;
  } finally {
    await client.end();
  }
}

test('the embedded PostgreSQL runs a saga end to end and keeps its events across a restart', async () => {
  database = await startOrConnectDatabase({ databaseUrl: 'embedded', dataDir, port });
  expect(database.started).toBe(true);
  expect(database.description).toMatch(
    new RegExp(`^using embedded PostgreSQL 17\\.\\d+ at .+ on port ${port}$`),
  );
  expect(fs.existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
  const clusterId = async () =>
    (
      await query(
        database!.url.replace(/\/procession$/, '/postgres'),
        'select system_identifier::text as id from pg_control_system()',
      )
    )[0].id;
  const cluster = await clusterId();

  procession = await startProcession({
    databaseUrl: database.url,
    temporal: testTemporalSettings(),
    taskQueue: `embedded-${randomUUID()}`,
    port: 0,
    apiKeys: testApiKeys,
    pollIntervalMs: 100,
    workflowBundle: testWorkflowBundle(),
  });
  const call = async <T>(method: string, route: string, body?: unknown) => {
    const response = await fetch(`${procession!.apiUrl}${route}`, {
      method,
      headers: { ...bearer('admin'), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
  const customer = await call<{ customerId: string }>('POST', '/customers', {
    name: 'Ada',
    email: 'ada@example.com',
  });
  const sku = `sku-${randomUUID()}`;
  await call('POST', `/inventory/${sku}/receive`, { quantity: 1 });
  const placed = await call<{ orderId: string; workflowId: string }>('POST', '/orders', {
    customerId: customer.body.customerId,
    lines: [{ sku, quantity: 1, unitPriceCents: 900 }],
    paymentMethod: 'pm_card_declined',
    shippingAddress: { name: 'Ada', line1: '1 Main St', city: 'London', postalCode: 'N1', country: 'GB' },
  });
  expect(placed.status).toBe(202);
  const { orderId, workflowId } = placed.body;
  // The saga reserves stock, fails to take payment, releases the stock and cancels the order.
  const cancelled = await eventually(async () => {
    const order = await call<{ status: string; cancelReason: string | null }>('GET', `/orders/${orderId}`);
    return order.body.status === 'cancelled' ? order.body : undefined;
  });
  expect(cancelled.cancelReason).toMatch(/^CardDeclined/);
  await eventually(async () => {
    const saga = await call<{ status: string }>('GET', `/sagas/${encodeURIComponent(workflowId)}`);
    return saga.body.status === 'COMPLETED' ? true : undefined;
  });
  const before = await query(
    database.url,
    'select event_type from events where stream_id = $1 order by stream_version',
    [`order-${orderId}`],
  );
  expect(before.map((row) => row.event_type)).toEqual(['OrderPlaced', 'OrderCancelled']);

  // Stopped in the order npm start uses: Procession first, then the server.
  await procession.stop();
  procession = undefined;
  await database.stop();
  expect(fs.existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false); // a clean shutdown
  await expect(query(database.url, 'select 1')).rejects.toThrow();

  database = await startOrConnectDatabase({ databaseUrl: 'embedded', dataDir, port });
  expect(database.started).toBe(true);
  const after = await query(
    database.url,
    'select event_type from events where stream_id = $1 order by stream_version',
    [`order-${orderId}`],
  );
  expect(after).toEqual(before);
  expect(await clusterId()).toBe(cluster); // the same cluster, not a fresh initdb
  const initdbRuns = fs.readFileSync(`${dataDir}.log`, 'utf8').match(/Success\. You can now start/g);
  expect(initdbRuns).toHaveLength(1);
}, 180_000);
