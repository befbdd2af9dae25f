import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { buildApp } from '../../api/app';
import { appendToStream } from '../../engine/eventstore/append';
import { loadCheckpoint } from '../../engine/eventstore/checkpoints';
import { connectionConfig } from '../../engine/eventstore/database';
import { relaySubscriptionId, stallMessage } from '../../engine/relay/relay';
import { comparePositions, positionOf, type StoredEvent } from '../../engine/eventstore/types';
import { shopApplication } from '../../worker/application';
import { testApiKeys } from '../harness/apiKeys';
import { send } from '../api/apiHarness';
import { eventually, startSagaHarness, type SagaHarness } from '../harness/sagaHarness';
import { newEvent } from '../eventstore/helpers';
import { placeOrder, registerCustomer, sagaExists, sagaOf, stock } from '../sagas/orderScenario';

// A saga's start waits for an event append in flight, and for nothing else on the server.
let h: SagaHarness;
const reported: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  h = await startSagaHarness('horizon-stall', {
    settings: { dispatchDeadline: '1 minute' },
    stallWarningMs: 500,
    log: (message, fields) => {
      if (message === stallMessage) reported.push(fields ?? {});
    },
  });
  await h.db.pool.query('create table scratch (x int)');
});

afterAll(async () => {
  await h?.close();
});

async function openWriter(database: 'postgres' | 'self', write: string): Promise<Client> {
  const url = new URL(h.db.url);
  if (database === 'postgres') url.pathname = '/postgres';
  const client = new Client(connectionConfig(url.toString()));
  client.on('error', () => {});
  await client.connect();
  await client.query('begin');
  await client.query(write);
  return client;
}

async function order(): Promise<string> {
  const customerId = await registerCustomer(h);
  const sku = await stock(h, 5);
  return placeOrder(h, { customerId, lines: [{ sku, quantity: 1, unitPriceCents: 100 }] });
}

test.each([
  ['in another database', 'postgres', 'select pg_current_xact_id()'],
  ['in this database, on another table', 'self', 'insert into scratch values (1)'],
] as const)(
  'a writing transaction held open %s does not delay a saga start',
  async (_where, database, write) => {
    const stranger = await openWriter(database, write);
    try {
      const orderId = await order();
      // The saga starts while the stranger's transaction is still open (it stays open for up to 30 s).
      await eventually(async () => ((await sagaExists(h, orderId)) ? true : undefined), 30_000, 'the saga');
      const { rows } = await stranger.query<{ open: boolean }>(
        'select pg_current_xact_id_if_assigned() is not null and now() = statement_timestamp() is not null as open',
      );
      expect(rows[0]!.open).toBe(true);
    } finally {
      await stranger.query('rollback');
      await stranger.end();
    }
    expect(reported).toEqual([]);
  },
);

test('an append held open delays the start, is reported, and nothing is skipped once it commits', async () => {
  const appender = await h.db.pool.connect();
  let held: StoredEvent;
  try {
    await appender.query('begin');
    [held] = (await appendToStream(appender, `stall-${randomUUID()}`, 0, [newEvent('HeldOpen', {})])) as [
      StoredEvent,
    ];
    const orderId = await order();

    // Reported by the relay (the pid and age), and by /health.
    const report = await eventually(async () =>
      reported.find((fields) => fields.transactionId === held.transactionId),
    );
    expect(report).toEqual({
      pid: expect.any(Number),
      transactionId: held.transactionId,
      ageMs: expect.any(Number),
    });
    expect(report.ageMs as number).toBeGreaterThanOrEqual(500);
    const app = buildApp({
      pool: h.db.pool,
      application: shopApplication,
      apiKeys: testApiKeys,
      temporal: { client: h.temporal.client, namespace: h.temporal.namespace },
      stallWarningMs: 500,
    });
    try {
      const health = (await send(app, { method: 'GET', url: '/health' })).json();
      expect(health).toMatchObject({
        postgres: 'up',
        details: { visibilityHorizon: { stalled: true, heldBy: { transactionId: held.transactionId } } },
      });
    } finally {
      await app.close();
    }
    expect(await sagaExists(h, orderId)).toBe(false);

    await appender.query('commit');
    await sagaOf(h, orderId).started();
    // The relay's checkpoint passed the held event too: read, not skipped.
    await eventually(async () => {
      const checkpoint = await loadCheckpoint(h.db.pool, relaySubscriptionId);
      return comparePositions(checkpoint, positionOf(held)) >= 0 ? true : undefined;
    });
  } finally {
    await appender.query('rollback').catch(() => {});
    appender.release();
  }
});
