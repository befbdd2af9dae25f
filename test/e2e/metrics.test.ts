import { randomUUID } from 'node:crypto';
import { takeAppendLock } from '../../engine/eventstore/appendLock';
import { handleCommandBatch } from '../../engine/commands/batchCommandHandler';
import { shop } from '../../domain/registry';
import type { RunningProcession } from '../../worker/procession';
import { adminCalls } from '../harness/adminCalls';
import { startTestProcession, type TestProcession } from '../harness/procession';
import { bearer } from '../harness/apiKeys';
import { parsePrometheusText, valueOf, matching, type Sample } from '../harness/prometheusText';
import { appendPoisonOrderPlaced } from '../harness/poisonEvent';
import { listParkedEvents } from '../../engine/eventstore/parkedEvents';
import { eventually } from '../harness/sagaHarness';

// GET /metrics of a process running every role, against the real PostgreSQL and Temporal server: the
// counters move with the work, the gauges read the database when scraped.
let running: TestProcession;
let procession: RunningProcession;

beforeAll(async () => {
  ({ procession } = running = await startTestProcession('metrics', {
    settings: { bulkPageSize: 10 },
    metricsPort: 0,
  }));
});

afterAll(async () => {
  await running?.stop();
});

const call = adminCalls(() => procession?.apiUrl);

async function scrape(): Promise<Sample[]> {
  const response = await fetch(`${procession.apiUrl}/metrics`, { headers: bearer('viewer') });
  expect(response.status).toBe(200);
  return parsePrometheusText(await response.text());
}

const commands = 'procession_commands_total';

test('/metrics answers Prometheus text to a viewer key, and nothing without one', async () => {
  const anonymous = await fetch(`${procession.apiUrl}/metrics`);
  expect(anonymous.status).toBe(401);
  const response = await fetch(`${procession.apiUrl}/metrics`, { headers: bearer('viewer') });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  const text = await response.text();
  expect(text).toContain('# TYPE procession_commands_total counter');
  expect(text).toContain('# TYPE procession_relay_lag_seconds histogram');
  // Node's own figures come along.
  expect(valueOf(parsePrometheusText(text), 'process_resident_memory_bytes')).toBeGreaterThan(0);
});

test('a handled, a replayed and two refused commands are counted by type and outcome, with their latency', async () => {
  const before = await scrape();
  const customerId = `metrics-${randomUUID()}`;
  const register = { customerId, name: 'Ada', email: 'ada@example.com' };
  const key = { 'idempotency-key': randomUUID() };
  expect((await call('POST', '/customers', register, key)).status).toBe(201);
  expect((await call('POST', '/customers', register, key)).status).toBe(201); // replayed
  expect((await call('POST', '/customers', register)).status).toBe(409); // CustomerAlreadyRegistered
  expect((await call('POST', `/customers/nobody-${randomUUID()}/disable`, { reason: 'x' })).status).toBe(404);
  const after = await scrape();

  const delta = (name: string, labels: Record<string, string>) =>
    valueOf(after, name, labels) - valueOf(before, name, labels);
  expect({
    accepted: delta(commands, { command: 'RegisterCustomer', outcome: 'accepted' }),
    duplicate: delta(commands, { command: 'RegisterCustomer', outcome: 'duplicate' }),
    rejected: delta(commands, { command: 'RegisterCustomer', outcome: 'rejected' }),
    notFound: delta(commands, { command: 'DisableCustomer', outcome: 'rejected' }),
    errors: delta(commands, { outcome: 'error' }),
    timed: delta('procession_command_duration_seconds_count', { command: 'RegisterCustomer' }),
    appended: delta('procession_events_appended_total', { event_type: 'CustomerRegistered' }),
  }).toEqual({ accepted: 1, duplicate: 1, rejected: 1, notFound: 1, errors: 0, timed: 3, appended: 1 });
  // Every observation lands in the +Inf bucket, and a command takes some time.
  expect(
    valueOf(after, 'procession_command_duration_seconds_bucket', {
      command: 'RegisterCustomer',
      outcome: 'accepted',
      le: '+Inf',
    }),
  ).toBe(
    valueOf(after, 'procession_command_duration_seconds_count', {
      command: 'RegisterCustomer',
      outcome: 'accepted',
    }),
  );
  expect(
    valueOf(after, 'procession_command_duration_seconds_sum', { command: 'RegisterCustomer' }),
  ).toBeGreaterThan(0);

  // The customers projection applies the event and catches up: its lag drops to zero. The lag series
  // must be there (a reader with no checkpoint yet has none, which would read as 0), and the counter is
  // moved just after the commit that moves the checkpoint, so a scrape may see one before the other.
  const applied = { projection: 'customers' };
  const caughtUp = await eventually(async () => {
    const samples = await scrape();
    const lag = { subscription: 'projection:customers' };
    const reported = matching(samples, 'procession_subscription_lag_positions', lag).length > 0;
    return reported &&
      valueOf(samples, 'procession_subscription_lag_positions', lag) === 0 &&
      valueOf(samples, 'procession_subscription_lag_seconds', lag) === 0 &&
      valueOf(samples, 'procession_projection_events_applied_total', applied) >
        valueOf(before, 'procession_projection_events_applied_total', applied)
      ? samples
      : undefined;
  });
  expect(valueOf(caughtUp, 'procession_projection_events_applied_total', applied)).toBeGreaterThanOrEqual(1);
});

test('a saga started by the relay shows in the relay lag histogram and moves its checkpoint', async () => {
  const before = await scrape();
  const checkpointBefore = valueOf(before, 'procession_subscription_checkpoint_position', {
    subscription: 'relay:sagas',
  });
  const trigger = { trigger: 'order-placed-starts-fulfillment' };
  const customer = await call('POST', '/customers', { name: 'Grace', email: 'grace@example.com' });
  const sku = `sku-${randomUUID()}`;
  await call('POST', `/inventory/${sku}/receive`, { quantity: 3 });
  const placed = await call('POST', '/orders', {
    customerId: customer.body.customerId,
    lines: [{ sku, quantity: 1, unitPriceCents: 500 }],
    paymentMethod: 'pm_card_ok',
    shippingAddress: { name: 'G', line1: '1 Rd', city: 'Arlington', postalCode: '22201', country: 'US' },
  });
  expect(placed.status).toBe(202);

  const after = await eventually(async () => {
    const samples = await scrape();
    const moved =
      valueOf(samples, 'procession_subscription_checkpoint_position', { subscription: 'relay:sagas' }) >
      checkpointBefore;
    return moved && valueOf(samples, 'procession_relay_lag_seconds_count', trigger) >= 1
      ? samples
      : undefined;
  });
  expect(valueOf(after, 'procession_relay_lag_seconds_count', trigger)).toBeGreaterThanOrEqual(1);
  expect(valueOf(after, 'procession_relay_lag_seconds_sum', trigger)).toBeGreaterThan(0);
  expect(
    valueOf(after, 'procession_relay_deliveries_total', { ...trigger, outcome: 'delivered' }),
  ).toBeGreaterThanOrEqual(1);
  expect((await procession.client.workflow.getHandle(placed.body.workflowId).describe()).status.name).toBe(
    'RUNNING',
  );
});

test('an event the relay cannot deliver shows in the parked gauge', async () => {
  expect(valueOf(await scrape(), 'procession_parked_events', { status: 'parked' })).toBe(0);
  // An OrderPlaced without an order id cannot start a saga: the trigger's plan throws, the event is parked.
  await appendPoisonOrderPlaced(procession.pool);
  // The order saga's trigger parks it; another saga started by OrderPlaced may park it too, and the gauge
  // counts every parked delivery in the table.
  const parkedInTable = async () =>
    (await listParkedEvents(procession.pool, { limit: 1000 })).filter((entry) => entry.status === 'parked');
  const samples = await eventually(async () => {
    const parked = await parkedInTable();
    if (!parked.some((entry) => entry.triggerName === 'order-placed-starts-fulfillment')) return undefined;
    const scraped = await scrape();
    return valueOf(scraped, 'procession_parked_events', { status: 'parked' }) === parked.length
      ? scraped
      : undefined;
  });
  expect(valueOf(samples, 'procession_parked_events', { status: 'parked' })).toBeGreaterThanOrEqual(1);
  expect(valueOf(samples, 'procession_parked_events', { status: 'replay_requested' })).toBe(0);
  expect(
    valueOf(samples, 'procession_relay_deliveries_total', {
      trigger: 'order-placed-starts-fulfillment',
      outcome: 'parked',
    }),
  ).toBe(1);
});

test('an append held open shows as a horizon stall for as long as it lasts', async () => {
  expect(valueOf(await scrape(), 'procession_visibility_horizon_stall_seconds')).toBe(0);
  const holder = await procession.pool.connect();
  try {
    await holder.query('begin');
    await holder.query(takeAppendLock);
    await holder.query('select pg_current_xact_id()');
    // An append that commits after it is what the open one holds back (and what moves the snapshot's
    // xmax past it: with nothing committed since, the newest id is not on any running list).
    await handleCommandBatch(procession.pool, shop, [
      {
        commandId: randomUUID(),
        command: { type: 'ReceiveStock', data: { sku: `held-back-${randomUUID()}`, quantity: 1 } },
        metadata: { correlationId: randomUUID(), causationId: randomUUID(), actor: 'test:metrics' },
      },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(valueOf(await scrape(), 'procession_visibility_horizon_stall_seconds')).toBeGreaterThanOrEqual(1);
  } finally {
    await holder.query('rollback');
    holder.release();
  }
  expect(valueOf(await scrape(), 'procession_visibility_horizon_stall_seconds')).toBe(0);
});

test("a running bulk task's processed and total items are gauges labelled by task and id", async () => {
  const prefix = randomUUID().slice(0, 8);
  const beforeSeed = await scrape();
  await handleCommandBatch(
    procession.pool,
    shop,
    Array.from({ length: 400 }, (_, index) => ({
      commandId: randomUUID(),
      command: {
        type: 'RegisterCustomer' as const,
        data: { customerId: `${prefix}-${index}`, name: 'B', email: 'b@example.com' },
      },
      metadata: { correlationId: 'seed', causationId: 'seed', actor: 'test' },
    })),
  );
  // A batch's commands are counted one by one; the batch is timed as one.
  const seeded = await scrape();
  const seedDelta = (name: string, labels: Record<string, string> = {}) =>
    valueOf(seeded, name, labels) - valueOf(beforeSeed, name, labels);
  expect({
    accepted: seedDelta(commands, { command: 'RegisterCustomer', outcome: 'accepted' }),
    appended: seedDelta('procession_events_appended_total', { event_type: 'CustomerRegistered' }),
    batches: seedDelta('procession_command_batch_duration_seconds_count'),
  }).toEqual({ accepted: 400, appended: 400, batches: 1 });

  const requested = await call('POST', '/bulk/disable-all-customers', { reason: 'metrics' });
  expect(requested.status).toBe(202);
  const { bulkId } = requested.body;
  await eventually(async () =>
    (await call('GET', `/bulk/${bulkId}`)).body.source === 'workflow' ? true : undefined,
  );
  // Paused, the run stays open and its numbers hold still, so the gauges can be compared with the API.
  expect((await call('POST', `/bulk/${bulkId}/pause`)).status).toBe(202);
  await eventually(async () => {
    const progress = await call('GET', `/bulk/${bulkId}`);
    return progress.body.status === 'paused' ? true : undefined;
  });
  // A page already in flight when the pause arrived still lands: compare once the two agree.
  const labels = { task: 'disable-all-customers', bulk_id: bulkId, status: 'paused' };
  const paused = await eventually(async () => {
    const scraped = await scrape();
    const gauges = {
      processed: valueOf(scraped, 'procession_bulk_task_processed_items', labels),
      total: valueOf(scraped, 'procession_bulk_task_total_items', labels),
    };
    const { processed, total } = (await call('GET', `/bulk/${bulkId}`)).body;
    return matching(scraped, 'procession_bulk_task_total_items', labels).length === 1 &&
      gauges.processed === processed &&
      gauges.total === total
      ? { processed, total }
      : undefined;
  });
  expect(paused.total).toBeGreaterThanOrEqual(400);

  expect((await call('POST', `/bulk/${bulkId}/cancel`)).status).toBe(202);
  await eventually(async () => {
    const scraped = await scrape();
    return matching(scraped, 'procession_bulk_task_total_items', { bulk_id: bulkId }).length === 0
      ? true
      : undefined;
  });
});

test('the key-less metrics listener (METRICS_PORT) serves the same registry', async () => {
  expect(procession.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  const response = await fetch(procession.metricsUrl!);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  const samples = parsePrometheusText(await response.text());
  expect(
    valueOf(samples, commands, { command: 'RegisterCustomer', outcome: 'accepted' }),
  ).toBeGreaterThanOrEqual(1);
  expect((await fetch(procession.metricsUrl!.replace('/metrics', '/health'))).status).toBe(404);
});
