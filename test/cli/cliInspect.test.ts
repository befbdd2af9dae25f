// Looking into what happened: trace, saga show and the parked events, on an order of its own.
import { randomUUID } from 'node:crypto';
import { eventually } from '../harness/sagaHarness';
import { call, cli, useCliProcession } from './cliHarness';

// The order below is placed for cli-01.
useCliProcession('cli-inspect', 2);

test('trace prints the causation tree; saga show the commands, the compensations and the state', async () => {
  const correlationId = `cli-${randomUUID()}`;
  const sku = `sku-${randomUUID()}`;
  await call('POST', `/inventory/${sku}/receive`, { body: { quantity: 4 } });
  const placed = await call<{ orderId: string; workflowId: string }>('POST', '/orders', {
    correlationId,
    body: {
      customerId: 'cli-01',
      lines: [{ sku, quantity: 1, unitPriceCents: 900 }],
      paymentMethod: 'pm_card_declined',
      shippingAddress: { name: 'C', line1: '3 Loop St', city: 'York', postalCode: 'Y1', country: 'GB' },
    },
  });
  const { orderId, workflowId } = placed.body;
  await eventually(async () => {
    const saga = await call<{ status: string }>('GET', `/sagas/${encodeURIComponent(workflowId)}`);
    return saga.body.status === 'COMPLETED' ? true : undefined;
  });

  const trace = await cli(['trace', correlationId]);
  expect(trace.code).toBe(0);
  // The shape of the tree, with times and ids left out.
  const shape = trace.stdout
    .trimEnd()
    .split('\n')
    .map((line) => line.replace(/\s+\d{4}-\d\d-\d\dT\S+Z/g, '').replace(/ @\d+/, ' @N'));
  // The request down to OrderPlaced, then the order saga's own branch: other sagas the same events start
  // (a loyalty saga, say) are its siblings or hang below its events, and are left out.
  expect(shape.slice(0, 4)).toEqual([
    `correlation ${correlationId}`,
    expect.stringMatching(/^└─ request \S+ by api-key:admin:[0-9a-f]{12}$/),
    '   └─ command PlaceOrder',
    `      └─ event OrderPlaced  order-${orderId} v1 @N`,
  ]);
  expect(shape[4]).toMatch(/^ {9}[├└]─ saga orderFulfillment /);
  expect(branchOf(shape, `saga orderFulfillment ${workflowId} `)).toEqual([
    `saga orderFulfillment ${workflowId} (started) COMPLETED  http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(workflowId)}`,
    '├─ command ReserveStock [reserve-stock:0]',
    `│  └─ event StockReserved  inventory-${sku} v2 @N`,
    '├─ command ReleaseStock [release-stock:0]',
    `│  └─ event StockReleased  inventory-${sku} v3 @N`,
    '└─ command CancelOrder [cancel-order]',
    `   └─ event OrderCancelled  order-${orderId} v2 @N`,
  ]);
  const byStream = await cli(['--json', 'trace', '--stream', `order-${orderId}`]);
  expect(JSON.parse(byStream.stdout)).toMatchObject({ correlationId });

  const saga = await cli(['saga', 'show', workflowId]);
  expect(saga.code).toBe(0);
  expect(saga.stdout).toContain(`orderFulfillment ${workflowId}: COMPLETED`);
  expect(saga.stdout).toMatch(/✓ reserve-stock:0: ReserveStock 1 × \S+ \(line 1\/1\)\n/);
  expect(saga.stdout).toMatch(/✗ authorize-payment: AuthorizePayment 900 cents\n {6}CardDeclined/);
  expect(saga.stdout).toContain('✓ release-stock:0: ReleaseStock');
  expect(saga.stdout).toContain('compensations: void-payment, release-stock:0');
  expect(saga.stdout).toMatch(/current state:\n(.|\n)*step: "cancelled"/);
  expect(saga.stdout).toContain(`UI: http://127.0.0.1:8233/namespaces/default/workflows/`);

  const unknown = await cli(['trace', 'no-such-correlation']);
  expect(unknown).toMatchObject({
    code: 1,
    stderr:
      'procession: CorrelationNotFound: No event was recorded under correlation id no-such-correlation\n',
  });
});

test('parked list and replay', async () => {
  const list = await cli(['parked', 'list']);
  expect(list).toMatchObject({ code: 0, stdout: 'no parked events\n' });
  expect(JSON.parse((await cli(['--json', 'parked', 'list'])).stdout)).toEqual([]);
  const replay = await cli(['parked', 'replay', randomUUID()]);
  expect(replay.code).toBe(1);
  expect(replay.stderr).toMatch(
    /^procession: ParkedEventNotFound: no parked event \S+ is waiting for a replay\n$/,
  );
});

/**
 * The lines of one node's branch in a printed tree, its own indentation cut off: the node, its children
 * and their children, without anything deeper (sagas those events started in turn).
 */
function branchOf(lines: string[], marker: string): string[] {
  const at = lines.findIndex((line) => line.includes(marker));
  if (at < 0) return [];
  const column = lines[at]!.indexOf(marker) - 3; // the node's ├ or └
  const branch = [lines[at]!.slice(column + 3)];
  for (const line of lines.slice(at + 1)) {
    const inside = /^[│ ]*$/.test(line.slice(0, column + 3)) && line.length > column + 3;
    if (!inside) break;
    const own = line.slice(column + 3);
    if (own.search(/[├└]/) <= 3) branch.push(own);
  }
  return branch;
}
