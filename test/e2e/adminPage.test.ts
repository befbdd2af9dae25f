import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import type { RunningProcession } from '../../worker/procession';
import { adminCalls } from '../harness/adminCalls';
import { testKeys } from '../harness/apiKeys';
import { registerCustomers } from '../harness/registerCustomers';
import { startTestProcession, type TestProcession } from '../harness/procession';
import { eventually } from '../harness/sagaHarness';

// The bulk-task admin page in a real browser (Debian's chromium, driven by playwright-core) against a
// real API, worker, relay and projections, used as a person would: start a task from its form after a
// preview, watch the bar move, pace it, pause, resume, and revert it with the revert's own preview.
// ADMIN_SCREENSHOT=docs/admin.png keeps a screenshot of the page as the docs show it.
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const customers = 300;

let running: TestProcession;
let procession: RunningProcession;
let browser: Browser;
let page: Page;
const call = adminCalls(() => procession?.apiUrl);

beforeAll(async () => {
  if (!existsSync(chromiumPath))
    throw new Error(
      `No Chromium at ${chromiumPath}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  [running, browser] = await Promise.all([
    startTestProcession('admin-page'),
    // Chromium's sandbox refuses to run as root, which CI is.
    chromium.launch({ executablePath: chromiumPath, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] }),
  ]);
  procession = running.procession;
  await registerCustomers(procession.pool, customers);
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
});

afterAll(async () => {
  await browser?.close();
  await running?.stop();
});

/** Answers the page's confirmation dialog, after checking it asks what it should. */
async function confirm(question: RegExp): Promise<string> {
  const dialog = page.locator('dialog#confirm');
  await dialog.waitFor({ state: 'visible' });
  const text = await dialog.innerText();
  expect(text).toMatch(question);
  await page.locator('#confirm-yes').click();
  await dialog.waitFor({ state: 'hidden' });
  return text;
}

/** Waits until the element's text says `text`; answers the text. */
const shows = (locator: Locator, text: string | RegExp, timeoutMs = 15_000) =>
  eventually(
    async () => {
      const shown = await locator.innerText({ timeout: 1_000 }).catch(() => '');
      return (typeof text === 'string' ? shown.includes(text) : text.test(shown)) ? shown : undefined;
    },
    timeoutMs,
    `the page to show ${String(text)}`,
  );

const runOf = (task: string): Locator => page.locator('li.run').filter({ hasText: task }).first();
const barValue = async (run: Locator) => Number(await run.locator('progress').getAttribute('value'));

test('start a task from its form after a preview, watch it, pace, pause, resume, then revert it with a preview', async () => {
  await page.goto(`${procession.apiUrl}/admin/`);
  await page.locator('#key').fill(testKeys.admin);
  await page.locator('#key-form button[type=submit]').click();

  const form = page.locator('form[data-task="disable-all-customers"]');
  await form.locator('input[name=reason]').fill('seen from the admin page');
  await form.locator('input[name=maxItemsPerSecond]').fill('30');
  await form.getByRole('button', { name: 'Preview' }).click();
  await shows(form.locator('.preview-text'), `${customers} items would be visited`);

  await form.getByRole('button', { name: 'Start…' }).click();
  await confirm(new RegExp(`Start “Disable all customers”\\?[\\s\\S]*${customers} items would be visited`));

  const run = runOf('disable-all-customers');
  await shows(run.locator('.status'), /^running$/, 30_000);
  const first = await eventually(async () => ((await barValue(run)) > 0 ? barValue(run) : undefined));
  const later = await eventually(async () => ((await barValue(run)) > first ? barValue(run) : undefined));
  expect(later).toBeGreaterThan(first);
  await shows(run.locator('.meta').first(), 'at most 30/s');

  await run.locator('input[type=number]').fill('60');
  await run.getByRole('button', { name: 'Set pace' }).click();
  await confirm(/at 60 items a second/);
  await shows(run.locator('.meta').first(), 'at most 60/s', 10_000);

  await run.getByRole('button', { name: 'Pause' }).click();
  await confirm(/Pause disable-all-customers/);
  await shows(run.locator('.status'), /^paused$/, 10_000);
  const pausedAt = await barValue(run);
  await page.waitForTimeout(1_500);
  expect(await barValue(run)).toBe(pausedAt);
  expect(pausedAt).toBeLessThan(customers);
  if (process.env.ADMIN_SCREENSHOT)
    await page.screenshot({ path: path.resolve(process.env.ADMIN_SCREENSHOT), fullPage: true });

  await run.getByRole('button', { name: 'Resume' }).click();
  await confirm(/Resume disable-all-customers/);
  await shows(run.locator('.status'), /^completed$/, 60_000);
  expect(await barValue(run)).toBe(customers);
  expect(
    await run.getByRole('link', { name: 'Open in the causation explorer' }).getAttribute('href'),
  ).toMatch(/#saga=/);

  // Ten customers changed by hand since: the revert's preview names them as left alone.
  const { rows } = await procession.pool.query<{ id: string }>(
    `select data ->> 'customerId' as id from events where event_type = 'CustomerRegistered' limit 10`,
  );
  for (const { id } of rows) expect((await call('POST', `/customers/${id}/enable`)).status).toBe(200);

  await run.getByRole('button', { name: 'Revert…' }).click();
  await confirm(
    new RegExp(`${customers - 10} items would be changed back; 10 changed by something else since`),
  );
  const revert = runOf('revert-bulk-task');
  await shows(revert.locator('.status'), /^completed$/, 60_000);
  await shows(revert, `changed ${customers - 10}`);
  await shows(revert, 'left alone 10');
  await shows(runOf('disable-all-customers'), 'reverted by');
}, 180_000);

test('a form left incomplete is not sent: the browser says which field', async () => {
  const form = page.locator('form[data-task="enable-customers"]');
  await form.getByRole('button', { name: 'Preview' }).click();
  expect(
    await form
      .locator('input[name=reason]')
      .evaluate((input) => (input as { validity: { valueMissing: boolean } }).validity.valueMissing),
  ).toBe(true);
  expect(await form.locator('.preview-text').count()).toBe(0);
});
