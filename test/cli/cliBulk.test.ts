// The bulk commands run to the end, stream playback of a customer they changed, and the CLI's errors.
import { createServer } from 'node:net';
import { testKeys } from '../harness/apiKeys';
import { eventually } from '../harness/sagaHarness';
import { call, cli, useCliProcession } from './cliHarness';

const customers = 60;
useCliProcession('cli-bulk', customers);

/** A port nothing listens on: one the system just handed out and took back. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
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
  expect(header).toMatch(/^VERSION\s+POSITION\s+RECORDED\s+TYPE\s+SCHEMA\s+DATA$/);
  expect(first).toMatch(/^1\s+\d+\s+\S+Z\s+CustomerRegistered\s+v1\s+\{.*"customerId":"cli-07"/);
  expect(second).toMatch(/^2\s+\d+\s+\S+Z\s+CustomerDisabled\s+v1\s+\{.*"reason":"cli"/);
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

test('bulk revert --dry-run previews a finished run; bulk revert --watch undoes exactly what it changed', async () => {
  for (let index = 0; index < 5; index++)
    expect(
      (await call('POST', '/customers', { body: { name: 'To undo', email: 'undo@example.com' } })).status,
    ).toBe(201);
  const run = await cli([
    '--json',
    'bulk',
    'start',
    'disable-all-customers',
    '-p',
    'reason=to undo',
    '--watch',
  ]);
  expect(run.code).toBe(0);
  const original = JSON.parse(run.stdout) as { bulkId: string; changed: number };
  // Earlier tests leave the file's customers in whatever state they ended (a cancel may land after the
  // last page): the five registered here are surely changed; only what this run changed is undone.
  expect(original.changed).toBeGreaterThanOrEqual(5);

  const preview = await cli(['bulk', 'revert', original.bulkId, '--dry-run']);
  expect(preview).toMatchObject({ code: 0, stderr: '' });
  expect(preview.stdout).toContain(
    `reverting ${original.bulkId} would change back ${original.changed} items and leave 0 alone (changed since)`,
  );
  expect(preview.stdout).toContain('"type":"EnableCustomer"');

  const reverted = await cli(['--json', 'bulk', 'revert', original.bulkId, '--watch', '--interval', '100']);
  expect(reverted.code).toBe(0);
  expect(JSON.parse(reverted.stdout)).toMatchObject({
    task: 'revert-bulk-task',
    status: 'completed',
    reverts: original.bulkId,
    changed: original.changed,
    skipped: 0,
    failed: 0,
  });

  const again = await cli(['bulk', 'revert', original.bulkId]);
  expect(again.code).not.toBe(0);
  expect(again.stderr).toContain(`is already reverted by`);
});

test('bulk start --max-items-per-second paces a run; bulk throttle changes it while it goes', async () => {
  const started = await cli([
    '--json',
    'bulk',
    'start',
    'enable-customers',
    '-p',
    'reason=paced',
    '-p',
    'disabledReason=nobody has this reason',
    '--max-items-per-second',
    '2',
    '--max-pages-in-flight',
    '1',
    '--run-at',
    new Date(Date.now() + 60_000).toISOString(),
  ]);
  expect(started.code).toBe(0);
  const { bulkId } = JSON.parse(started.stdout) as { bulkId: string };
  await eventually(async () => {
    const status = await cli(['bulk', 'status', bulkId]);
    return status.stdout.includes(': scheduled') ? status : undefined;
  });

  const throttled = await cli([
    'bulk',
    'throttle',
    bulkId,
    '--max-items-per-second',
    'none',
    '--max-pages-in-flight',
    '3',
  ]);
  expect(throttled.code).toBe(0);
  expect(throttled.stdout).toContain('limits: no rate limit, 3 pages in flight');
  expect((await cli(['bulk', 'cancel', bulkId])).code).toBe(0);

  const nothing = await cli(['bulk', 'throttle', bulkId]);
  expect(nothing.code).not.toBe(0);
  expect(nothing.stderr).toContain('say what to change');
  const tooFast = await cli([
    'bulk',
    'start',
    'disable-all-customers',
    '-p',
    'reason=x',
    '--max-items-per-second',
    '0',
  ]);
  expect(tooFast.code).not.toBe(0);
  expect(tooFast.stderr).toContain('maxItemsPerSecond must be a number above 0');
});
