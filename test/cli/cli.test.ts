import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import type { RunningProcession } from '../../worker/procession';
import { startTestProcession, type TestProcession } from '../harness/procession';
import { bearer, testKeys } from '../harness/apiKeys';
import { eventually } from '../harness/sagaHarness';

// The CLI as a user runs it: a child process (bin/procession.js through tsx) against a real API on a free
// port, with a real worker, relay and projections behind it, so bulk tasks really run to the end.
let running: TestProcession;
let procession: RunningProcession;
const bin = path.join(__dirname, '../../bin/procession.js');
const customers = 60;

beforeAll(async () => {
  ({ procession } = running = await startTestProcession('cli', { settings: { bulkPageSize: 10 } }));
  for (let i = 0; i < customers; i++) {
    await call('POST', '/customers', {
      body: { customerId: `cli-${String(i).padStart(2, '0')}`, name: 'C', email: 'c@example.com' },
    });
  }
}, 120_000);

afterAll(async () => {
  await running?.stop();
});

async function call<T = Record<string, unknown>>(
  method: string,
  urlPath: string,
  options: { body?: unknown; correlationId?: string } = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${procession.apiUrl}${urlPath}`, {
    method,
    headers: {
      ...bearer('admin'),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.correlationId ? { 'x-correlation-id': options.correlationId } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** A port nothing listens on: one the system just handed out and took back. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `procession <args>` with the URL and key in the environment, as a user's shell would hold them. */
function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      {
        env: {
          PATH: process.env.PATH,
          PROCESSION_URL: procession.apiUrl,
          PROCESSION_KEY: testKeys.admin,
          ...env,
        },
        timeout: 90_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

test('bulk start --watch --json runs a task to the end and prints its final counts', async () => {
  const run = await cli([
    '--json',
    'bulk',
    'start',
    'disable-all-customers',
    '--param',
    'reason=cli',
    '--watch',
  ]);
  expect(run).toMatchObject({ code: 0, stderr: '' });
  expect(JSON.parse(run.stdout)).toMatchObject({
    task: 'disable-all-customers',
    status: 'completed',
    total: customers,
    processed: customers,
    changed: customers,
    unchanged: 0,
    failed: 0,
  });
});

test('bulk start --watch draws progress on stderr and says how it ended', async () => {
  const run = await cli([
    'bulk',
    'start',
    'enable-customers',
    '-p',
    'reason=back',
    '-p',
    'disabledReason=cli',
    '--watch',
    '--interval',
    '100',
  ]);
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(
    new RegExp(
      `^enable-customers \\S+: completed\\n  processed ${customers} of ${customers} \\(changed ${customers}, unchanged 0, failed 0\\)\\n`,
    ),
  );
  expect(run.stderr).toMatch(/^requested enable-customers \S+/);
  // The bar's last frame: every item done.
  expect(run.stderr).toMatch(
    new RegExp(`100% \\| ${customers}/${customers} items \\| \\d+/s \\| ETA \\S+ \\| completed`),
  );
  const bulkId = /^enable-customers (\S+):/.exec(run.stdout)![1]!;

  const status = await cli(['bulk', 'status', bulkId]);
  expect(status).toMatchObject({ code: 0, stderr: '' });
  expect(status.stdout).toContain(`enable-customers ${bulkId}: completed`);
  const closed = await cli(['bulk', 'pause', bulkId]);
  expect(closed.code).toBe(1);
  expect(closed.stderr).toMatch(
    /^procession: BulkTaskClosed: Cannot pause bulk task \S+: its workflow is no longer running/,
  );
});

test('bulk list names every task with its parameters', async () => {
  const run = await cli(['bulk', 'list']);
  expect(run.code).toBe(0);
  const rows = run.stdout
    .trimEnd()
    .split('\n')
    .map((line) => line.split(/\s{2,}/).slice(0, 2));
  expect(rows[0]).toEqual(['TASK', 'PARAMETERS']);
  // The shop's own tasks; an application with more lists those too.
  expect(rows.slice(1)).toEqual(
    expect.arrayContaining([
      ['disable-all-customers', 'reason'],
      ['enable-customers', 'reason disabledReason'],
    ]),
  );
});

test('an unknown bulk id, a wrong key, a bad parameter and an unreachable API exit non-zero and say why', async () => {
  const unknown = await cli(['bulk', 'status', 'no-such-bulk']);
  expect(unknown).toEqual({
    code: 1,
    stdout: '',
    stderr: 'procession: BulkTaskNotFound: Bulk task no-such-bulk was never requested\n',
  });
  const unknownJson = await cli(['--json', 'bulk', 'status', 'no-such-bulk']);
  expect(unknownJson.code).toBe(1);
  expect(JSON.parse(unknownJson.stderr)).toEqual({
    error: 'BulkTaskNotFound',
    message: 'BulkTaskNotFound: Bulk task no-such-bulk was never requested',
    status: 404,
  });

  const wrongKey = await cli(['bulk', 'list'], { PROCESSION_KEY: 'not-a-key-of-this-deployment' });
  expect(wrongKey).toMatchObject({
    code: 1,
    stderr: 'procession: unauthorized: This API key is not known\n',
  });
  const viewer = await cli([
    '--key',
    testKeys.viewer,
    'bulk',
    'start',
    'disable-all-customers',
    '-p',
    'reason=x',
  ]);
  expect(viewer).toMatchObject({
    code: 1,
    stderr: 'procession: forbidden: This route needs the admin role; the key has the viewer role\n',
  });

  const badParam = await cli(['bulk', 'start', 'disable-all-customers', '-p', 'colour=red']);
  expect(badParam.code).toBe(1);
  expect(badParam.stderr).toBe(
    "procession: disable-all-customers has no parameter 'colour'; it takes reason\n",
  );

  const nobody = `http://127.0.0.1:${await closedPort()}`;
  const refused = await cli(['--url', nobody, 'bulk', 'list']);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toBe(
    `procession: Cannot reach the Procession API at ${nobody} (ECONNREFUSED); is it running? Set --url or PROCESSION_URL\n`,
  );
});

test('stream --at-version prints the events up to that version and the state folded there', async () => {
  const run = await cli(['stream', 'customer-cli-07', '--at-version', '2']);
  expect(run.code).toBe(0);
  const [heading, , header, first, second, , stateHeading, ...state] = run.stdout.trimEnd().split('\n');
  expect(heading).toBe('customer-cli-07 at version 2: version 2');
  expect(header).toMatch(/^VERSION\s+POSITION\s+RECORDED\s+TYPE\s+DATA$/);
  expect(first).toMatch(/^1\s+\d+\s+\S+Z\s+CustomerRegistered\s+\{.*"customerId":"cli-07"/);
  expect(second).toMatch(/^2\s+\d+\s+\S+Z\s+CustomerDisabled\s+\{.*"reason":"cli"/);
  expect(stateHeading).toBe('state at version 2:');
  expect(JSON.parse(state.join('\n'))).toMatchObject({
    customerId: 'cli-07',
    status: 'disabled',
    disabledReason: 'cli',
  });

  const now = JSON.parse((await cli(['--json', 'stream', 'customer-cli-07', '--at-version', '3'])).stdout);
  expect(now).toMatchObject({ version: 3, state: { status: 'active' } });
  const atTime = JSON.parse(
    (await cli(['--json', 'stream', 'customer-cli-07', '--at-time', now.events[0].recordedAt])).stdout,
  );
  expect(atTime).toMatchObject({ version: 1, state: { status: 'active' } });
});

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

// Last: the cancelled run may have disabled some customers, which the tests above rely on being active.
test('bulk status --watch of a task cancelled while it is watched exits 2 and says so', async () => {
  // Paused first, so the task is surely still running when it is cancelled.
  let bulkId: string | undefined;
  for (let attempt = 0; attempt < 3 && bulkId === undefined; attempt++) {
    const requested = await call<{ bulkId: string }>('POST', '/bulk/disable-all-customers', {
      body: { reason: `cancel-${attempt}` },
    });
    const pause = await eventually(async () => {
      const answer = await call<{ status: string }>('POST', `/bulk/${requested.body.bulkId}/pause`);
      return answer.status === 404 ? undefined : answer;
    });
    if (pause.status === 202) bulkId = requested.body.bulkId;
  }
  expect(bulkId).toBeDefined();
  const watching = cli(['bulk', 'status', bulkId!, '--watch', '--interval', '100']);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect((await call('POST', `/bulk/${bulkId}/cancel`)).status).toBe(202);
  const run = await watching;
  expect(run.code).toBe(2);
  expect(run.stdout).toContain(`disable-all-customers ${bulkId}: cancelled`);
  expect(run.stderr).toMatch(new RegExp(`procession: bulk task ${bulkId} ended cancelled\\n$`));
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
