import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { connectionConfig, dropDatabase } from '../../engine/eventstore/database';
import { startProcession, type RunningProcession } from '../../worker/procession';
import { testDatabaseUrl } from '../harness/database';
import { eventually, testWorkflowBundle } from '../harness/sagaHarness';
import { testTemporalSettings } from '../harness/temporal';
import { bearer, testApiKeys } from '../harness/apiKeys';

// What a failover, a PostgreSQL restart or an operator's pg_terminate_backend does to a running process:
// every connection it holds dies, idle, checked out between queries, listening, or mid-transaction. The
// process must stay up and finish its work; before the fix a checked-out client without an error listener
// turned the FATAL into an uncaught 'error' event and killed it.
const customers = 2_000;
const orders = 24;
const rounds = 4;

let procession: RunningProcession;
let databaseUrl: string;
const uncaught: unknown[] = [];
const lostConnections: string[] = [];
const recordUncaught = (error: unknown) => uncaught.push(error);

beforeAll(async () => {
  process.on('uncaughtException', recordUncaught);
  databaseUrl = testDatabaseUrl();
  procession = await startProcession({
    databaseUrl,
    temporal: testTemporalSettings(),
    taskQueue: `terminated-${randomUUID()}`,
    port: 0,
    apiKeys: testApiKeys,
    pollIntervalMs: 100,
    workflowBundle: testWorkflowBundle(),
    // Small pages keep the bulk task running across several rounds of terminations.
    settings: { dispatchDeadline: '2 minutes', bulkPageSize: 20, bulkPagesPerRun: 10 },
    log: (message, fields) => {
      if (message.startsWith('PostgreSQL connection lost')) lostConnections.push(String(fields?.error));
    },
  });
}, 120_000);

afterAll(async () => {
  await procession?.stop();
  if (databaseUrl) await dropDatabase(databaseUrl);
  process.off('uncaughtException', recordUncaught);
});

interface Reply<T> {
  status: number;
  body: T;
}

async function call<T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
  idempotencyKey?: string,
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...bearer('admin') };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  const response = await fetch(`${procession.apiUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** A careful client: the same Idempotency-Key until the server says it is done. */
async function callUntil<T>(
  accepted: (status: number) => boolean,
  method: string,
  path: string,
  body: unknown,
): Promise<Reply<T>> {
  const key = randomUUID();
  return eventually(
    async () => {
      const reply = await call<T>(method, path, body, key);
      return accepted(reply.status) ? reply : undefined;
    },
    90_000,
    `${method} ${path}`,
  );
}

/** Terminates every backend of the test database but the killer's own; returns how many. */
async function terminateAllBackends(): Promise<number> {
  const admin = new Client(connectionConfig(databaseUrl));
  admin.on('error', () => {});
  await admin.connect();
  try {
    const result = await admin.query<{ terminated: boolean }>(
      `select pg_terminate_backend(pid) as terminated from pg_stat_activity
       where datname = current_database() and pid <> pg_backend_pid()`,
    );
    return result.rows.filter((row) => row.terminated).length;
  } finally {
    await admin.end();
  }
}

const address = { name: 'Ada', line1: '1 Loop Rd', city: 'London', postalCode: 'N1', country: 'GB' };

async function placeAndDispatch(customerId: string, sku: string): Promise<string> {
  const placed = await callUntil<{ orderId: string }>((s) => s === 202, 'POST', '/orders', {
    customerId,
    lines: [{ sku, quantity: 1, unitPriceCents: 500 }],
    paymentMethod: 'pm_card_ok',
    shippingAddress: address,
  });
  const { orderId } = placed.body;
  // 409 until the saga has scheduled the shipment; a dropped connection answers 5xx: both are retried.
  await callUntil((s) => s === 200, 'POST', `/shipments/${orderId}/dispatch`, undefined);
  return orderId;
}

async function eventCounts(sql: string, params: unknown[]): Promise<Map<string, number>> {
  const client = new Client(connectionConfig(databaseUrl));
  await client.connect();
  try {
    const result = await client.query<{ key: string; count: string }>(sql, params);
    return new Map(result.rows.map((row) => [row.key, Number(row.count)]));
  } finally {
    await client.end();
  }
}

test('every backend terminated again and again during a bulk task and a stream of orders: the process stays up, nothing is lost or doubled', async () => {
  const ids = Array.from({ length: customers }, (_, i) => `term-${String(i).padStart(5, '0')}`);
  for (let i = 0; i < ids.length; i += 16) {
    await Promise.all(
      ids.slice(i, i + 16).map((customerId) =>
        callUntil((s) => s === 201, 'POST', '/customers', {
          customerId,
          name: 'T',
          email: 't@example.com',
        }),
      ),
    );
  }
  await eventually(async () =>
    (await eventCounts(`select 'all' as key, count(*) from customers`, [])).get('all') === customers
      ? true
      : undefined,
  );

  const bulk = await callUntil<{ bulkId: string }>((s) => s === 202, 'POST', '/bulk/disable-all-customers', {
    reason: 'terminations',
  });
  const { bulkId } = bulk.body;

  // Orders from customers registered after the bulk task's bound: it must leave them alone.
  const buyer = (
    await callUntil<{ customerId: string }>((s) => s === 201, 'POST', '/customers', {
      name: 'Buyer',
      email: 'buyer@example.com',
    })
  ).body.customerId;
  const sku = `sku-${randomUUID()}`;
  await callUntil((s) => s === 200, 'POST', `/inventory/${sku}/receive`, { quantity: orders });
  const orderStream = (async () => {
    const placed: string[] = [];
    for (let i = 0; i < orders; i += 4) {
      placed.push(...(await Promise.all([0, 1, 2, 3].map(() => placeAndDispatch(buyer, sku)))));
    }
    return placed;
  })();

  const terminated: number[] = [];
  const bulkStatusAtRound: string[] = [];
  for (let round = 0; round < rounds; round++) {
    await sleep(1_200);
    const progress = await call<{ status: string }>('GET', `/bulk/${bulkId}`).catch(() => undefined);
    bulkStatusAtRound.push(progress?.body.status ?? 'unanswered');
    terminated.push(await terminateAllBackends());
  }
  expect(terminated.every((count) => count > 0)).toBe(true);
  expect(bulkStatusAtRound[0]).not.toBe('completed');

  const done = await eventually(
    async () => {
      const progress = await call<{ status: string; total: number; processed: number; changed: number }>(
        'GET',
        `/bulk/${bulkId}`,
      );
      return progress.body.status === 'completed' ? progress.body : undefined;
    },
    180_000,
    'the bulk task to complete',
  );
  const orderIds = await orderStream;
  const finalOrders = await Promise.all(
    orderIds.map((orderId) =>
      eventually(
        async () => {
          const order = await call<{ status: string }>('GET', `/orders/${orderId}`);
          return order.body.status === 'confirmed' || order.body.status === 'cancelled'
            ? order.body
            : undefined;
        },
        90_000,
        `order ${orderId} to settle`,
      ),
    ),
  );

  expect(uncaught).toEqual([]);
  expect(lostConnections.length).toBeGreaterThan(0);
  expect((await call<{ status: string }>('GET', '/health')).status).toBe(200);

  // The bulk task counted every customer registered before it, and disabled each exactly once.
  expect(done).toMatchObject({ total: customers, processed: customers, changed: customers });
  const disabledPerStream = await eventCounts(
    `select stream_id as key, count(*) from events where event_type = 'CustomerDisabled' group by stream_id`,
    [],
  );
  expect(disabledPerStream.size).toBe(customers);
  expect([...disabledPerStream.values()].every((count) => count === 1)).toBe(true);
  expect(disabledPerStream.has(`customer-${buyer}`)).toBe(false);

  // Each order was placed once and settled once: the careful client's retries doubled nothing.
  expect(finalOrders.map((order) => order.status)).toEqual(orderIds.map(() => 'confirmed'));
  const perOrder = await eventCounts(
    `select stream_id || ':' || event_type as key, count(*) from events where stream_id = any($1) group by 1`,
    [orderIds.map((orderId) => `order-${orderId}`)],
  );
  for (const orderId of orderIds) {
    expect(perOrder.get(`order-${orderId}:OrderPlaced`)).toBe(1);
    expect(perOrder.get(`order-${orderId}:OrderConfirmed`)).toBe(1);
  }
  expect(new Set(orderIds).size).toBe(orders);
  const parked = await call<{ items: unknown[] }>('GET', '/parked-events?status=parked');
  expect(parked.body.items).toEqual([]);
}, 420_000);
