import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { dropDatabase } from '../../engine/eventstore/database';
import type { TraceNode } from '../../engine/causation/causationTree';
import { startProcession, type RunningProcession } from '../../worker/procession';
import { bearer, testApiKeys, testKeys } from '../harness/apiKeys';
import { testDatabaseUrl } from '../harness/database';
import { eventually, testWorkflowBundle } from '../harness/sagaHarness';
import { testTemporalSettings } from '../harness/temporal';

// The causation explorer in a real browser (Debian's chromium, driven by playwright-core) against a real
// API, worker, relay and projections: a fulfilled order's trace, the saga's link, and a stream's playback.
// EXPLORER_SCREENSHOT=docs/explorer.png keeps a screenshot of the page as the README shows it.
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const temporalUiUrl = 'http://127.0.0.1:8233';

let procession: RunningProcession;
let databaseUrl: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!existsSync(chromiumPath))
    throw new Error(
      `No Chromium at ${chromiumPath}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  databaseUrl = testDatabaseUrl();
  [procession, browser] = await Promise.all([
    startProcession({
      databaseUrl,
      temporal: { ...testTemporalSettings(), uiUrl: temporalUiUrl },
      taskQueue: `explorer-${randomUUID()}`,
      port: 0,
      apiKeys: testApiKeys,
      pollIntervalMs: 100,
      workflowBundle: testWorkflowBundle(),
      settings: { dispatchDeadline: '1 minute' },
    }),
    // Chromium's sandbox refuses to run as root, which CI is.
    chromium.launch({ executablePath: chromiumPath, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] }),
  ]);
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await procession?.stop();
  if (databaseUrl) await dropDatabase(databaseUrl);
});

async function call<T = Record<string, unknown>>(
  method: string,
  url: string,
  options: { body?: unknown; correlationId?: string } = {},
): Promise<T> {
  const response = await fetch(`${procession.apiUrl}${url}`, {
    method,
    headers: {
      ...bearer('admin'),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.correlationId ? { 'x-correlation-id': options.correlationId } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Markup in the data, to show the page puts it on screen as text. */
const hostileName = '<img src=x onerror="window.injected=true">Ada';

/** An order placed and dispatched under one correlation id, its saga run to completion. */
async function fulfilledOrder(shippingName = 'Ada') {
  const correlationId = `explorer-${randomUUID()}`;
  const { customerId } = await call<{ customerId: string }>('POST', '/customers', {
    body: { name: 'Ada', email: 'ada@example.com' },
  });
  const sku = `keyboard-${randomUUID().slice(0, 8)}`;
  await call('POST', `/inventory/${sku}/receive`, { body: { quantity: 5 } });
  const { orderId, workflowId } = await call<{ orderId: string; workflowId: string }>('POST', '/orders', {
    correlationId,
    body: {
      customerId,
      lines: [{ sku, quantity: 2, unitPriceCents: 4_900 }],
      paymentMethod: 'pm_card_ok',
      shippingAddress: {
        name: shippingName,
        line1: '1 Loop St',
        city: 'London',
        postalCode: 'N1',
        country: 'GB',
      },
    },
  });
  const sagaAt = (step: string) =>
    eventually(async () => {
      const saga = await call<{ status: string; progress: { step: string } | null }>(
        'GET',
        `/sagas/${encodeURIComponent(workflowId)}`,
      );
      return saga.progress?.step === step || saga.status === step ? true : undefined;
    });
  await sagaAt('awaiting dispatch');
  await call('POST', `/shipments/${orderId}/dispatch`, { correlationId });
  await sagaAt('COMPLETED');
  return { correlationId, orderId, workflowId, sku };
}

/** A node card's or panel's description list: each term with its value. */
async function factsOf(list: Locator): Promise<Record<string, string>> {
  const pairs = await list
    .locator('dl > div')
    .evaluateAll((groups) =>
      groups.map((group) => [...group.children].map((cell) => cell.textContent ?? '')),
    );
  return Object.fromEntries(pairs);
}

/** The `<li>` of a tree node, found by the node id the page puts on it. */
const nodeItem = (id: string) => `li[data-node-id=${JSON.stringify(id)}]`;

test('a fulfilled order in the explorer: its causation tree, the saga link, and a playback with its diff', async () => {
  const { correlationId, orderId, workflowId, sku } = await fulfilledOrder();
  const orderStream = `order-${orderId}`;

  // The page needs no key (it holds no data), and it sends none until one is typed in.
  const opened = await page.goto(`${procession.apiUrl}/explorer`);
  expect(opened?.status()).toBe(200);
  expect(page.url()).toBe(`${procession.apiUrl}/explorer/`);
  expect(opened?.headers()['content-security-policy']).toContain("script-src 'self'");
  await page.getByLabel('Search by').selectOption('any');
  await page.getByLabel('Id', { exact: true }).fill(correlationId);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.locator('#message').textContent()).resolves.toBe('Enter an API key first.');

  await page.getByLabel('Key (viewer role or higher)').fill(testKeys.viewer);
  await page.getByRole('button', { name: 'Use this key' }).click();
  expect(await page.evaluate("sessionStorage.getItem('procession.apiKey')")).toBe(testKeys.viewer);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('heading', { name: `Trace of ${correlationId}` }).waitFor();

  // Every node of the API's tree is on the page, nested under its parent, in the API's order.
  const trace = await call<{ nodes: TraceNode[] }>('GET', `/trace/${encodeURIComponent(correlationId)}`);
  const shownIds = await page
    .locator('li[data-node-id]')
    .evaluateAll((items) => items.map((item) => item.getAttribute('data-node-id')));
  expect(shownIds).toEqual(trace.nodes.map((node) => node.id));
  for (const node of trace.nodes) {
    const selector = node.parentId
      ? `${nodeItem(node.parentId)} > ul > ${nodeItem(node.id)}`
      : nodeItem(node.id);
    expect(await page.locator(selector).count()).toBe(1);
  }
  const byType = (kind: string, type: string) => trace.nodes.find((n) => n.kind === kind && n.type === type)!;
  const card = (node: TraceNode) => page.locator(`${nodeItem(node.id)} > article`);

  const placeOrder = card(byType('command', 'PlaceOrder'));
  await expect(placeOrder.getByRole('heading').textContent()).resolves.toBe('command PlaceOrder');
  const orderPlaced = card(byType('event', 'OrderPlaced'));
  await expect(factsOf(orderPlaced)).resolves.toMatchObject({ stream: orderStream, version: '1' });
  await expect(orderPlaced.locator('time').getAttribute('datetime')).resolves.toBe(
    byType('event', 'OrderPlaced').time,
  );

  const saga = card(byType('saga', 'orderFulfillment'));
  await expect(factsOf(saga)).resolves.toMatchObject({
    workflow: workflowId,
    status: 'COMPLETED',
    'started by': 'a start',
    'signalled by': '1 event(s)',
  });
  await expect(
    saga.getByRole('link', { name: 'Open in Temporal Web UI' }).getAttribute('href'),
  ).resolves.toBe(`${temporalUiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`);

  // The saga's commands, each with its step and the events it appended.
  const sagaNode = byType('saga', 'orderFulfillment');
  const commandHeadings = await page
    .locator(`${nodeItem(sagaNode.id)} > ul > li > article > h3`)
    .allTextContents();
  expect(commandHeadings).toEqual([
    'command ReserveStock',
    'command AuthorizePayment',
    'command ScheduleShipment',
    'command ShipStock',
    'command CapturePayment',
    'command ConfirmOrder',
  ]);
  const reserve = page.locator(nodeItem(byType('command', 'ReserveStock').id));
  await expect(factsOf(reserve.locator('> article'))).resolves.toMatchObject({ step: 'reserve-stock:0' });
  await expect(reserve.locator('> ul > li > article > h3').allTextContents()).resolves.toEqual([
    'event StockReserved',
  ]);
  await expect(factsOf(reserve.locator('> ul > li > article'))).resolves.toMatchObject({
    stream: `inventory-${sku}`,
    version: '2',
  });
  const confirm = page.locator(nodeItem(byType('command', 'ConfirmOrder').id));
  await expect(confirm.locator('> ul > li > article > h3').allTextContents()).resolves.toEqual([
    'event OrderConfirmed',
  ]);

  // Playback of the order at version 2: the state then, and the one key OrderConfirmed changed.
  await page.getByRole('link', { name: `Playback of ${orderStream} at version 2` }).click();
  await page.getByRole('heading', { name: `Playback of ${orderStream}`, exact: true }).waitFor();
  const detail = page.locator('#detail');
  await detail.getByText('Version 2 of 2.').waitFor();
  await expect(detail.getByRole('heading', { level: 3 }).allTextContents()).resolves.toEqual([
    'What version 2 (OrderConfirmed) changed',
    'State at version 2',
  ]);
  const diffRows = () =>
    detail
      .locator('table.diff tbody tr')
      .evaluateAll((rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent)));
  expect(await diffRows()).toEqual([['status', 'changed', '"placed"', '"confirmed"']]);
  const state = JSON.parse((await detail.locator('pre.state').textContent())!);
  expect(state).toMatchObject({ status: 'confirmed', orderId, totalCents: 9_800 });
  expect(page.url()).toContain(`stream=${orderStream}`);
  if (process.env.EXPLORER_SCREENSHOT) {
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: path.resolve(process.env.EXPLORER_SCREENSHOT), fullPage: true });
  }

  // Version 1: there is no state before it, so every key is new.
  await detail.getByRole('link', { name: 'version 1: OrderPlaced' }).click();
  await detail.getByText('Version 1 of 2.').waitFor();
  const firstRows = await diffRows();
  expect(firstRows).toContainEqual(['status', 'added', '', '"placed"']);
  expect(firstRows).toContainEqual([`lines[0].sku`, 'added', '', JSON.stringify(sku)]);
  expect(firstRows).toContainEqual(['shippingAddress.name', 'added', '', '"Ada"']);
  await detail.getByText('Schema version 2.').waitFor({ state: 'attached' });

  // An OrderPlaced the log holds at schema version 1 is shown upcast, saying how it is stored.
  const legacyStream = `order-legacy-${orderId}`;
  await procession.pool.query(
    `insert into events (event_id, stream_id, stream_version, event_type, schema_version, data, metadata)
     values (gen_random_uuid(), $1, 1, 'OrderPlaced', 1, $2, $3)`,
    [
      legacyStream,
      JSON.stringify({
        orderId: `legacy-${orderId}`,
        customerId: 'c-legacy',
        lines: [{ sku, quantity: 1, unitPriceCents: 100 }],
        paymentMethod: 'pm_card_ok',
        shippingAddress: { name: 'Old', line1: 'L', city: 'C', postalCode: 'P', country: 'GB' },
        totalCents: 100,
      }),
      JSON.stringify({
        correlationId: 'legacy',
        causationId: 'legacy',
        actor: 'test',
        commandId: 'legacy',
        commandType: 'PlaceOrder',
      }),
    ],
  );
  await page.evaluate(`location.hash = ${JSON.stringify(`stream=${legacyStream}&version=1`)}`);
  await page.getByRole('heading', { name: `Playback of ${legacyStream}`, exact: true }).waitFor();
  await detail
    .getByText(
      'Stored as OrderPlaced schema version 1; shown as OrderPlaced version 2, the shape readers see.',
    )
    .waitFor({ state: 'attached' });
  expect(JSON.parse((await detail.locator('pre.state').textContent())!)).toMatchObject({
    currency: 'EUR',
    shippingAddress: { region: null },
  });

  // The saga's details come from GET /sagas/:workflowId: its commands as its history tells them.
  await saga.getByRole('link', { name: 'Saga details' }).click();
  await page.getByRole('heading', { name: 'Saga orderFulfillment', exact: true }).waitFor();
  await expect(detail.locator('tbody th').allTextContents()).resolves.toEqual(
    expect.arrayContaining(['reserve-stock:0', 'authorize-payment', 'confirm-order']),
  );
});

test('searching by stream id or workflow id finds the correlation; markup in the data stays text', async () => {
  const { correlationId, orderId, workflowId } = await fulfilledOrder(hostileName);
  const search = async (kind: string, id: string) => {
    await page.goto(`${procession.apiUrl}/explorer/`);
    await page.getByLabel('Key (viewer role or higher)').fill(testKeys.viewer);
    await page.getByRole('button', { name: 'Use this key' }).click();
    await page.getByLabel('Search by').selectOption(kind);
    await page.getByLabel('Id', { exact: true }).fill(id);
    await page.getByRole('button', { name: 'Search' }).click();
  };
  await search('stream', `payment-${orderId}`);
  await page.getByRole('heading', { name: `Trace of ${correlationId}` }).waitFor();
  await page.getByRole('link', { name: `Playback of order-${orderId} at version 1` }).click();
  const name = page.locator('#detail table.diff tbody tr', { hasText: 'shippingAddress.name' });
  await expect(name.locator('td').last().textContent()).resolves.toBe(JSON.stringify(hostileName));
  expect(await page.locator('img').count()).toBe(0);
  expect(await page.evaluate('window.injected')).toBeUndefined();
  await search('any', workflowId);
  await page.getByRole('heading', { name: `Trace of ${correlationId}` }).waitFor();

  await search('any', 'no-such-thing');
  await page.locator('#message.error').waitFor();
  await expect(page.locator('#message').textContent()).resolves.toBe(
    'No event was recorded under correlation id no-such-thing — Stream no-such-thing has no events — ' +
      'No workflow no-such-thing (or it is past retention)',
  );

  // A wrong key is the API's 401, told as such.
  await page.getByLabel('Key (viewer role or higher)').fill('not-a-known-key-0123456789');
  await page.getByRole('button', { name: 'Use this key' }).click();
  await page.getByRole('button', { name: 'Search' }).click();
  await page.locator('#message.error').getByText('The API refused the key').waitFor();
});
