import { randomUUID } from 'node:crypto';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { dropDatabase } from '../../engine/eventstore/database';
import { startTracing, startTracingFromEnv, type ActiveTracing } from '../../engine/telemetry/tracing';
import { processRoles } from '../../engine/application/roles';
import { startProcession, type RunningProcession } from '../../worker/procession';
import { bearer, testApiKeys } from '../harness/apiKeys';
import { testDatabaseUrl } from '../harness/database';
import { eventually, testWorkflowBundle } from '../harness/sagaHarness';
import { testTemporalSettings } from '../harness/temporal';

// OpenTelemetry traces of a real order: the real SDK with an exporter that keeps spans in memory, a real
// PostgreSQL, a real Temporal server, the HTTP API over a socket. First with tracing off (no endpoint, no
// SDK), then on; in this order, because starting the SDK registers it for the whole process.

interface Running {
  procession: RunningProcession;
  databaseUrl: string;
}

async function start(label: string): Promise<Running> {
  const databaseUrl = testDatabaseUrl();
  const procession = await startProcession({
    databaseUrl,
    temporal: { ...testTemporalSettings(), uiUrl: 'http://127.0.0.1:8233' },
    taskQueue: `${label}-${randomUUID()}`,
    port: 0,
    apiKeys: testApiKeys,
    pollIntervalMs: 100,
    workflowBundle: testWorkflowBundle(),
    settings: { dispatchDeadline: '1 minute', bulkPageSize: 10, bulkPagesPerRun: 2 },
  });
  return { procession, databaseUrl };
}

async function stop(running: Running | undefined): Promise<void> {
  if (!running) return;
  await running.procession.stop();
  await dropDatabase(running.databaseUrl);
}

async function call<T = Record<string, unknown>>(
  running: Running,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${running.procession.apiUrl}${path}`, {
    method,
    headers: { ...bearer('admin'), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** An order placed over HTTP, its saga waiting for the shipment to be dispatched. */
async function placeOrder(running: Running): Promise<{ orderId: string; workflowId: string }> {
  const customer = await call<{ customerId: string }>(running, 'POST', '/customers', {
    name: 'Ada',
    email: 'ada@example.com',
  });
  const sku = `sku-${randomUUID()}`;
  await call(running, 'POST', `/inventory/${sku}/receive`, { quantity: 3 });
  const placed = await call<{ orderId: string; workflowId: string }>(running, 'POST', '/orders', {
    customerId: customer.body.customerId,
    lines: [{ sku, quantity: 1, unitPriceCents: 900 }],
    paymentMethod: 'pm_card_ok',
    shippingAddress: { name: 'Ada', line1: '1 Loom St', city: 'London', postalCode: 'N1 7AA', country: 'GB' },
  });
  expect(placed.status).toBe(202);
  await eventually(async () => {
    const saga = await call<{ progress: { step: string } | null }>(
      running,
      'GET',
      `/sagas/${encodeURIComponent(placed.body.workflowId)}`,
    );
    return saga.body.progress?.step === 'awaiting dispatch' ? true : undefined;
  });
  return placed.body;
}

interface EventRow {
  event_type: string;
  metadata: { workflowId?: string; traceparent?: string };
}

async function eventsOf(running: Running, orderId: string): Promise<EventRow[]> {
  const result = await running.procession.pool.query<EventRow>(
    `select event_type, metadata from events where stream_id like '%' || $1 order by global_position`,
    [orderId],
  );
  return result.rows;
}

describe('with OTEL_EXPORTER_OTLP_ENDPOINT unset', () => {
  let running: Running | undefined;
  afterAll(() => stop(running));

  test('no SDK starts and no traceparent is written into event metadata', async () => {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
    expect(startTracingFromEnv()).toBeUndefined();
    running = await start('traces-off');
    const { orderId, workflowId } = await placeOrder(running);
    const events = await eventsOf(running, orderId);
    // Both doors wrote events: the HTTP request (OrderPlaced) and the saga's commands.
    expect(events.map((event) => event.event_type)).toContain('OrderPlaced');
    expect(events.filter((event) => event.metadata.workflowId === workflowId).length).toBeGreaterThan(0);
    expect(events.filter((event) => 'traceparent' in event.metadata)).toEqual([]);
  });
});

describe('with tracing on', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: ActiveTracing | undefined;
  let running: Running | undefined;
  beforeAll(async () => {
    tracing = startTracing({ exporter, roles: processRoles });
    running = await start('traces-on');
  });
  afterAll(async () => {
    await stop(running);
    await tracing?.stop();
  });

  test('one trace from the HTTP request through the relay and the saga to the commands it appends', async () => {
    const { orderId, workflowId } = await placeOrder(running!);
    expect((await call(running!, 'POST', `/shipments/${orderId}/dispatch`)).status).toBe(200);
    await eventually(async () => {
      const saga = await call<{ status: string }>(
        running!,
        'GET',
        `/sagas/${encodeURIComponent(workflowId)}`,
      );
      return saga.body.status === 'COMPLETED' ? true : undefined;
    });

    const spans = () => exporter.getFinishedSpans();
    const request = spans().find(
      (span) => span.name === 'POST /orders' && span.attributes['http.response.status_code'] === 202,
    )!;
    expect(request).toBeDefined();
    expect(request.parentSpanId).toBeUndefined(); // the root
    const traceId = request.spanContext().traceId;
    // Workflow spans leave the sandbox through a sink after the workflow task: wait for the last one.
    const run = await eventually(async () =>
      spans().find((span) => span.name === 'RunWorkflow:orderFulfillment' && inTrace(span, traceId)),
    );
    const trace = spans().filter((span) => inTrace(span, traceId));
    const byId = new Map(trace.map((span) => [span.spanContext().spanId, span]));
    const parentOf = (span: ReadableSpan) => byId.get(span.parentSpanId ?? '')?.name;

    const relay = trace.find((span) => span.name.startsWith('Relay:'))!;
    expect(relay).toBeDefined();
    expect(relay.attributes['procession.event.type']).toBe('OrderPlaced');
    expect(parentOf(relay)).toBe('POST /orders');
    const startSpan = trace.find((span) => span.name === 'StartWorkflow:orderFulfillment')!;
    expect(startSpan.attributes.temporalWorkflowId).toBe(workflowId);
    expect(parentOf(startSpan)).toBe(relay.name);
    expect(parentOf(run)).toBe('StartWorkflow:orderFulfillment');

    // The order saga's own: other sagas started by the same events (a loyalty saga, say) share the trace.
    const ofThisSaga = (span: ReadableSpan) => span.attributes.temporalWorkflowId === workflowId;
    const activityRuns = trace.filter(
      (span) => span.name === 'RunActivity:executeCommand' && ofThisSaga(span),
    );
    expect(activityRuns.length).toBeGreaterThan(0);
    for (const span of activityRuns) {
      expect(span.attributes['procession.command.id']).toMatch(`${workflowId}:`);
      expect(parentOf(span)).toBe('StartActivity:executeCommand');
    }
    expect(
      trace.filter((span) => span.name === 'StartActivity:executeCommand').every((span) => parentOf(span)),
    ).toBe(true);
    // Saga commands run as local activities (engine/saga/commands.ts): none was scheduled on the server,
    // so the RunActivity spans above come from the activity interceptor running for local activities.
    const history = await running!.procession.client.workflow.getHandle(workflowId).fetchHistory();
    const scheduled = history.events!.filter(
      (event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'executeCommand',
    );
    expect(scheduled).toEqual([]);
    const localRuns = history.events!.filter(
      (event) => event.markerRecordedEventAttributes?.markerName === 'core_local_activity',
    );
    const serverRuns = history.events!.filter((event) => event.activityTaskScheduledEventAttributes);
    expect(localRuns.length).toBeGreaterThanOrEqual(activityRuns.length);
    expect(trace.filter((span) => span.name.startsWith('RunActivity:') && ofThisSaga(span)).length).toBe(
      localRuns.length + serverRuns.length,
    );

    // The saga's commands carry the context of the activity that appended them.
    const sagaEvents = (await eventsOf(running!, orderId)).filter(
      (event) => event.metadata.workflowId === workflowId,
    );
    expect(sagaEvents.length).toBeGreaterThan(0);
    const activitySpanIds = new Set(activityRuns.map((span) => span.spanContext().spanId));
    for (const event of sagaEvents) {
      const [version, eventTraceId, spanId, flags] = event.metadata.traceparent!.split('-');
      expect({ version, eventTraceId, flags }).toEqual({ version: '00', eventTraceId: traceId, flags: '01' });
      expect(activitySpanIds.has(spanId!)).toBe(true);
    }
    expect(activityRuns.map((span) => span.attributes['procession.command.type'])).toEqual(
      expect.arrayContaining(['AuthorizePayment', 'ConfirmOrder']),
    );
    // The API's own Temporal calls are in its requests' traces.
    const sagaRead = spans().find((span) => span.name === 'GET /sagas/:workflowId')!;
    expect(
      spans().some(
        (span) =>
          span.name.startsWith('DescribeWorkflow') && span.parentSpanId === sagaRead.spanContext().spanId,
      ),
    ).toBe(true);
    const placed = (await eventsOf(running!, orderId)).find((event) => event.event_type === 'OrderPlaced')!;
    expect(placed.metadata.traceparent).toBe(`00-${traceId}-${request.spanContext().spanId}-01`);

    if (process.env.PRINT_TRACE) {
      console.log(printTrace(trace));
      const dispatch = spans().find((span) => span.name === 'POST /shipments/:orderId/dispatch')!;
      console.log(printTrace(spans().filter((span) => inTrace(span, dispatch.spanContext().traceId))));
    }
  });

  test('a bulk task is one trace across its continue-as-new runs, down to the commands its pages append', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `traced-bulk-${String(i).padStart(2, '0')}`);
    for (const customerId of ids)
      await call(running!, 'POST', '/customers', { customerId, name: 'T', email: 't@example.com' });
    const requested = await call<{ bulkId: string; workflowId: string }>(
      running!,
      'POST',
      '/bulk/disable-all-customers',
      { reason: 'traced' },
    );
    expect(requested.status).toBe(202);
    await eventually(async () => {
      const progress = await call<{ status: string }>(running!, 'GET', `/bulk/${requested.body.bulkId}`);
      return progress.body.status === 'completed' ? true : undefined;
    }, 60_000);

    const spans = () => exporter.getFinishedSpans();
    const request = spans().find((span) => span.name === 'POST /bulk/disable-all-customers')!;
    expect(request.parentSpanId).toBeUndefined();
    const traceId = request.spanContext().traceId;
    // 30 customers, 10 a page, 2 pages a run: at least one continue-as-new, each run traced.
    const runs = await eventually(async () => {
      const found = spans().filter((span) => span.name === 'RunWorkflow:bulkTask' && inTrace(span, traceId));
      return found.length >= 2 ? found : undefined;
    });
    const continued = spans().filter(
      (span) => span.name === 'ContinueAsNew:bulkTask' && inTrace(span, traceId),
    );
    expect(continued.length).toBe(runs.length - 1);

    const disabled = await running!.procession.pool.query<{ traceparent: string | null }>(
      `select metadata->>'traceparent' as traceparent from events
       where event_type = 'CustomerDisabled' and stream_id = any($1)`,
      [ids.map((id) => `customer-${id}`)],
    );
    expect(disabled.rows).toHaveLength(ids.length);
    const activitySpanIds = new Set(
      spans()
        .filter((span) => span.name.startsWith('RunActivity:') && inTrace(span, traceId))
        .map((span) => span.spanContext().spanId),
    );
    if (process.env.PRINT_TRACE) console.log(printTrace(spans().filter((span) => inTrace(span, traceId))));
    for (const { traceparent } of disabled.rows) {
      expect(traceparent?.split('-')[1]).toBe(traceId);
      expect(activitySpanIds.has(traceparent!.split('-')[2]!)).toBe(true);
    }
  });
});

function inTrace(span: ReadableSpan, traceId: string): boolean {
  return span.spanContext().traceId === traceId;
}

/** The trace as an indented tree of span names, for a reader (PRINT_TRACE=1). */
function printTrace(trace: ReadableSpan[]): string {
  const children = new Map<string, ReadableSpan[]>();
  for (const span of trace) {
    const key = span.parentSpanId ?? '';
    children.set(key, [...(children.get(key) ?? []), span]);
  }
  const lines: string[] = [];
  const walk = (parent: string, depth: number) => {
    const sorted = (children.get(parent) ?? []).sort(
      (a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1],
    );
    for (const span of sorted) {
      const command = span.attributes['procession.command.type'];
      lines.push(`${'  '.repeat(depth)}${span.name}${command ? ` (${String(command)})` : ''}`);
      walk(span.spanContext().spanId, depth + 1);
    }
  };
  walk('', 0);
  return lines.join('\n');
}
