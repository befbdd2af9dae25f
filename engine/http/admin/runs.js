// @ts-check
// The runs: the newest bulk runs with a progress bar, rate and ETA, the controls their status allows
// (each asking first), and links to the run in the Temporal Web UI and the causation explorer.
import { getJson, sendJson, segment } from '../explorer/api.js';
import { element, present, temporalUiLink, viewLink, webAddress } from '../explorer/dom.js';
import { confirmAction } from './confirm.js';
import { say } from './page.js';
import { busy } from './tasks.js';

/**
 * @typedef {{ bulkId: string, task: string, status: string, total: number, processed: number,
 *   changed: number, unchanged: number, failed: number, skipped: number, failureReason: string | null,
 *   limits: { maxItemsPerSecond: number | null, maxPagesInFlight: number } | null, rate: number | null,
 *   etaSeconds: number | null, runAt: string | null, revertedBy: string | null, reverts: string | null,
 *   workflowId: string, uiUrl: string | null }} Progress
 */

const finished = new Set(['completed', 'cancelled', 'failed']);
/** What each run showed last, so a run that did not change is not drawn again (nor its pace field). */
const drawn = new Map();

/**
 * Draws the newest runs; answers whether any is still going (the page keeps following them then).
 * @param {HTMLUListElement} list
 * @param {() => void} refresh
 */
export async function showRuns(list, refresh) {
  /** @type {{ items: Array<{ bulkId: string }> }} */
  const { items } = await getJson('bulk?limit=10');
  /** @type {Progress[]} */
  const runs = await Promise.all(items.map(({ bulkId }) => getJson(`bulk/${segment(bulkId)}`)));
  const rows = runs.map((run) => {
    const text = JSON.stringify(run);
    const old = /** @type {HTMLElement | undefined} */ (drawn.get(run.bulkId)?.row);
    const editing = old?.contains(document.activeElement) && document.activeElement?.tagName === 'INPUT';
    if (old && (drawn.get(run.bulkId).text === text || editing)) return old;
    const row = runRow(run, refresh);
    drawn.set(run.bulkId, { text, row });
    return row;
  });
  list.replaceChildren(...rows);
  return runs.some((run) => !finished.has(run.status));
}

/** @param {Progress} run @param {() => void} refresh */
function runRow(run, refresh) {
  const percent =
    run.total === 0 ? (finished.has(run.status) ? 100 : 0) : Math.floor((run.processed / run.total) * 100);
  const ui = webAddress(run.uiUrl);
  return element(
    'li',
    { class: 'run', 'data-bulk-id': run.bulkId, 'data-status': run.status },
    element('h3', {}, `${run.task} `, element('code', {}, run.bulkId.slice(0, 8))),
    element(
      'p',
      {},
      element('span', { class: 'status' }, run.status),
      ` — ${run.processed} of ${run.total} items (${percent}%)`,
    ),
    element('progress', {
      max: String(Math.max(run.total, 1)),
      value: String(run.processed),
      'aria-label': `${run.task} progress`,
    }),
    element(
      'p',
      { class: 'meta' },
      `changed ${run.changed} · unchanged ${run.unchanged} · failed ${run.failed}` +
        (run.skipped ? ` · left alone ${run.skipped}` : '') +
        paceText(run),
    ),
    ...present(
      run.failureReason ? element('p', { class: 'meta' }, `why: ${run.failureReason}`) : null,
      run.reverts ? element('p', { class: 'meta' }, `reverts ${run.reverts}`) : null,
      run.revertedBy ? element('p', { class: 'meta' }, `reverted by ${run.revertedBy}`) : null,
    ),
    element(
      'p',
      { class: 'meta' },
      ...present(ui ? temporalUiLink(ui) : null, ui ? ' · ' : null),
      element(
        'a',
        { href: `../explorer/${viewLink({ saga: run.workflowId })}` },
        'Open in the causation explorer',
      ),
    ),
    controls(run, refresh),
  );
}

/** @param {Progress} run */
function paceText(run) {
  const parts = [];
  if (run.status === 'scheduled' && run.runAt) parts.push(`starts ${new Date(run.runAt).toLocaleString()}`);
  if (run.limits)
    parts.push(
      `${run.limits.maxItemsPerSecond === null ? 'no rate limit' : `at most ${run.limits.maxItemsPerSecond}/s`}, ${run.limits.maxPagesInFlight} pages at once`,
    );
  if (run.rate !== null && !finished.has(run.status))
    parts.push(`going at ${run.rate}/s, about ${run.etaSeconds ?? '?'} s left`);
  return parts.length === 0 ? '' : ` · ${parts.join(' · ')}`;
}

/** @param {Progress} run @param {() => void} refresh */
function controls(run, refresh) {
  const box = element('div', { class: 'controls' });
  /** @param {string} label @param {string} question @param {() => Promise<unknown>} act */
  const button = (label, question, act) => {
    const created = element('button', { type: 'button' }, label);
    created.addEventListener('click', () =>
      busy(created, async () => {
        if (!(await confirmAction(question))) return;
        await act();
        refresh();
      }),
    );
    box.append(created);
  };
  const signal = (/** @type {string} */ action) => () =>
    sendJson('POST', `bulk/${segment(run.bulkId)}/${action}`);
  if (run.status === 'running')
    button('Pause', `Pause ${run.task} ${run.bulkId}? It stops between pages.`, signal('pause'));
  if (run.status === 'paused') button('Resume', `Resume ${run.task} ${run.bulkId}?`, signal('resume'));
  if (['running', 'paused', 'scheduled'].includes(run.status))
    button(
      'Cancel',
      `Cancel ${run.task} ${run.bulkId}? What it changed stays changed (revert it after).`,
      signal('cancel'),
    );
  if (['running', 'paused', 'scheduled'].includes(run.status)) box.append(...paceControl(run, refresh));
  if (finished.has(run.status) && !run.revertedBy && run.changed > 0) box.append(revertButton(run, refresh));
  return box;
}

/** @param {Progress} run @param {() => void} refresh */
function paceControl(run, refresh) {
  const id = `pace-${run.bulkId}`;
  const input = /** @type {HTMLInputElement} */ (
    element('input', { id, type: 'number', min: '0.1', step: 'any', placeholder: 'none' })
  );
  const set = element('button', { type: 'button' }, 'Set pace');
  set.addEventListener('click', () =>
    busy(set, async () => {
      const maxItemsPerSecond = input.value === '' ? null : Number(input.value);
      const shown = maxItemsPerSecond === null ? 'no rate limit' : `${maxItemsPerSecond} items a second`;
      if (!(await confirmAction(`Pace ${run.task} ${run.bulkId} at ${shown}?`))) return;
      await sendJson('POST', `bulk/${segment(run.bulkId)}/throttle`, { maxItemsPerSecond });
      refresh();
    }),
  );
  return [element('label', { for: id }, 'items/s'), input, set];
}

/** The revert asks with its preview: how many items it would change back, how many it would leave. */
function revertButton(/** @type {Progress} */ run, /** @type {() => void} */ refresh) {
  const revert = element('button', { type: 'button' }, 'Revert…');
  revert.addEventListener('click', () =>
    busy(revert, async () => {
      const path = `bulk/${segment(run.bulkId)}/revert`;
      /** @type {{ count: number, conflicts: number, conflictSample: Array<{ itemId: string, reason: string }> }} */
      const preview = await sendJson('POST', `${path}?dryRun=true`);
      const conflicts = preview.conflictSample
        .slice(0, 5)
        .map((each) => element('li', {}, `${each.itemId}: ${each.reason}`));
      const detail = [
        element(
          'p',
          { class: 'revert-preview' },
          `${preview.count} items would be changed back; ${preview.conflicts} changed by something else since would be left alone.`,
        ),
        ...(conflicts.length > 0 ? [element('ul', {}, ...conflicts)] : []),
      ];
      if (!(await confirmAction(`Revert ${run.task} ${run.bulkId}?`, detail))) return;
      const accepted = await sendJson('POST', path);
      say(`Reverting ${run.bulkId}: run ${accepted.bulkId}.`);
      refresh();
    }),
  );
  return revert;
}
