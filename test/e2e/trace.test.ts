import { randomUUID } from 'node:crypto';
import type { TraceNode } from '../../engine/causation/causationTree';
import type { RunningProcession } from '../../worker/procession';
import { startTestProcession, type TestProcession } from '../harness/procession';
import { bearer } from '../harness/apiKeys';
import { eventually } from '../harness/sagaHarness';

// A trace of a real order: placed and dispatched over HTTP under one correlation id, fulfilled by its
// saga on a real worker, the events read back from PostgreSQL and the saga described by Temporal.
let running: TestProcession;
let procession: RunningProcession;

beforeAll(async () => {
  ({ procession } = running = await startTestProcession('trace'));
});

afterAll(async () => {
  await running?.stop();
});

async function call<T = Record<string, unknown>>(
  method: string,
  path: string,
  options: { body?: unknown; correlationId?: string; role?: 'admin' | 'viewer' } = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${procession.apiUrl}${path}`, {
    method,
    headers: {
      ...bearer(options.role ?? 'admin'),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.correlationId ? { 'x-correlation-id': options.correlationId } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

test('the trace of a fulfilled order: request → command → event → saga → commands → events', async () => {
  const correlationId = `trace-${randomUUID()}`;
  const customer = await call<{ customerId: string }>('POST', '/customers', {
    body: { name: 'Ada', email: 'ada@example.com' },
  });
  const sku = `sku-${randomUUID()}`;
  await call('POST', `/inventory/${sku}/receive`, { body: { quantity: 5 } });
  const placed = await call<{ orderId: string; workflowId: string }>('POST', '/orders', {
    correlationId,
    body: {
      customerId: customer.body.customerId,
      lines: [{ sku, quantity: 2, unitPriceCents: 700 }],
      paymentMethod: 'pm_card_ok',
      shippingAddress: { name: 'Ada', line1: '1 Loop St', city: 'London', postalCode: 'N1', country: 'GB' },
    },
  });
  const { orderId, workflowId } = placed.body;
  await eventually(async () => {
    const saga = await call<{ progress: { step: string } | null }>(
      'GET',
      `/sagas/${encodeURIComponent(workflowId)}`,
    );
    return saga.body.progress?.step === 'awaiting dispatch' ? true : undefined;
  });
  expect((await call('POST', `/shipments/${orderId}/dispatch`, { correlationId })).status).toBe(200);
  await eventually(async () => {
    const saga = await call<{ status: string }>('GET', `/sagas/${encodeURIComponent(workflowId)}`);
    return saga.body.status === 'COMPLETED' ? true : undefined;
  });

  const trace = await call<{ correlationId: string; truncated: boolean; nodes: TraceNode[] }>(
    'GET',
    `/trace/${encodeURIComponent(correlationId)}`,
    { role: 'viewer' },
  );
  expect(trace.status).toBe(200);
  expect(trace.body).toMatchObject({ correlationId, truncated: false });
  const nodes = new Map(trace.body.nodes.map((node) => [node.id, node]));
  const childrenOf = (id: string) => nodes.get(id)!.children.map((child) => nodes.get(child)!);
  const roots = trace.body.nodes.filter((node) => node.parentId === null);

  // Two requests: placing the order, and the warehouse's dispatch.
  expect(roots.map((root) => root.kind)).toEqual(['request', 'request']);
  const [placeRequest, dispatchRequest] = roots;
  const [placeOrder] = childrenOf(placeRequest!.id);
  expect(placeOrder).toMatchObject({ kind: 'command', type: 'PlaceOrder', parentId: placeRequest!.id });
  const [orderPlaced] = childrenOf(placeOrder!.id);
  expect(orderPlaced).toMatchObject({
    kind: 'event',
    type: 'OrderPlaced',
    streamId: `order-${orderId}`,
    streamVersion: 1,
    globalPosition: expect.stringMatching(/^[0-9]+$/),
  });
  // The order saga among OrderPlaced's children (another saga the event starts would sit beside it).
  const saga = childrenOf(orderPlaced!.id).find(
    (node) => node.kind === 'saga' && node.type === 'orderFulfillment',
  );
  expect(saga).toMatchObject({
    kind: 'saga',
    type: 'orderFulfillment',
    workflowId,
    delivery: 'start',
    status: 'COMPLETED',
    uiUrl: `http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(workflowId)}`,
  });

  // The saga's commands in the order it sent them, each with the events it appended.
  const sagaCommands = childrenOf(saga!.id);
  expect(sagaCommands.map((command) => [command.type, command.step])).toEqual([
    ['ReserveStock', 'reserve-stock:0'],
    ['AuthorizePayment', 'authorize-payment'],
    ['ScheduleShipment', 'schedule-shipment'],
    ['ShipStock', 'ship-stock:0'],
    ['CapturePayment', 'capture-payment'],
    ['ConfirmOrder', 'confirm-order'],
  ]);
  for (const command of sagaCommands) {
    expect(command).toMatchObject({ kind: 'command', commandId: `${workflowId}:${command.step}` });
    expect(childrenOf(command.id).every((event) => event.kind === 'event')).toBe(true);
  }
  expect(childrenOf(sagaCommands[0]!.id)).toEqual([
    expect.objectContaining({ type: 'StockReserved', streamId: `inventory-${sku}`, streamVersion: 2 }),
  ]);
  expect(childrenOf(sagaCommands.at(-1)!.id)).toEqual([
    expect.objectContaining({ type: 'OrderConfirmed', streamId: `order-${orderId}`, streamVersion: 2 }),
  ]);

  // The dispatch signalled the running saga: one saga node, the event recorded as a signal of it.
  const [dispatch] = childrenOf(dispatchRequest!.id);
  const [dispatched] = childrenOf(dispatch!.id);
  expect(dispatched).toMatchObject({ kind: 'event', type: 'ShipmentDispatched' });
  expect(childrenOf(dispatched!.id).filter((node) => node.workflowId === workflowId)).toEqual([]);
  expect(saga!.signalledBy).toEqual([dispatched!.eventId]);

  // Positions grow down the tree: every child came after its parent.
  for (const node of trace.body.nodes) {
    const parent = node.parentId ? nodes.get(node.parentId) : undefined;
    if (parent?.globalPosition && node.globalPosition)
      expect(BigInt(node.globalPosition)).toBeGreaterThan(BigInt(parent.globalPosition));
  }

  // The correlation can be found from any stream it touched, and from the saga.
  const fromStream = await call('GET', `/trace?streamId=${encodeURIComponent(`payment-${orderId}`)}`);
  expect(fromStream.body).toEqual({ correlationIds: [correlationId] });
  const fromSaga = await call('GET', `/trace?workflowId=${encodeURIComponent(workflowId)}`);
  expect(fromSaga.body).toEqual({ correlationIds: [correlationId] });
});

test('an unknown correlation id is a 404 in the API error shape', async () => {
  const answer = await call('GET', '/trace/no-such-correlation');
  expect(answer).toEqual({
    status: 404,
    body: {
      error: 'CorrelationNotFound',
      message: 'No event was recorded under correlation id no-such-correlation',
      details: { correlationId: 'no-such-correlation' },
    },
  });
  expect((await call('GET', '/trace?streamId=order-nobody')).status).toBe(404);
  expect((await call('GET', '/trace')).body).toMatchObject({ error: 'ValidationFailed' });
});

test("a compensated saga's activities: the rejected command, the undos, the cancel", async () => {
  const customer = await call<{ customerId: string }>('POST', '/customers', {
    body: { name: 'Bo', email: 'bo@example.com' },
  });
  const sku = `sku-${randomUUID()}`;
  await call('POST', `/inventory/${sku}/receive`, { body: { quantity: 5 } });
  const placed = await call<{ orderId: string; workflowId: string }>('POST', '/orders', {
    body: {
      customerId: customer.body.customerId,
      lines: [{ sku, quantity: 1, unitPriceCents: 700 }],
      paymentMethod: 'pm_card_declined',
      shippingAddress: { name: 'Bo', line1: '2 Loop St', city: 'Leeds', postalCode: 'LS1', country: 'GB' },
    },
  });
  const { workflowId } = placed.body;
  type Activity = { activityType: string; step: string | null; status: string; failure: string | null };
  const saga = await eventually(async () => {
    const answer = await call<{ status: string; activities: Activity[] }>(
      'GET',
      `/sagas/${encodeURIComponent(workflowId)}`,
    );
    return answer.body.status === 'COMPLETED' ? answer.body : undefined;
  });
  const commands = saga.activities.filter((activity) => activity.activityType === 'executeCommand');
  expect(commands).toEqual([
    expect.objectContaining({ step: 'reserve-stock:0', commandType: 'ReserveStock', status: 'completed' }),
    expect.objectContaining({
      step: 'authorize-payment',
      commandType: 'AuthorizePayment',
      status: 'failed',
      failure: expect.stringMatching(/^CardDeclined/),
      compensation: false,
    }),
    expect.objectContaining({ step: 'void-payment', status: 'completed', compensation: true }),
    expect.objectContaining({ step: 'release-stock:0', status: 'completed', compensation: true }),
    expect.objectContaining({ step: 'cancel-order', commandType: 'CancelOrder', compensation: false }),
  ]);
});
