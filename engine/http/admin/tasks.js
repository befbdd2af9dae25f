// @ts-check
// The task list: one card per bulk task, its parameter form built from its schema, a preview (how many
// items, the first of them) and a start that shows that preview again in its confirmation.
import { getJson, sendJson, segment } from '../explorer/api.js';
import { element } from '../explorer/dom.js';
import { confirmAction } from './confirm.js';
import { paceFields, paceQuery } from './pace.js';
import { say, sayFailure } from './page.js';
import { schemaFields, schemaValues } from './schemaForm.js';

/**
 * @typedef {{ name: string, title: string, description: string, route: string,
 *   params: import('./schemaForm.js').ObjectSchema }} TaskInfo
 */

/**
 * Shows the tasks; `onStarted` hears of each run started here.
 * @param {HTMLElement} container
 * @param {(bulkId: string) => void} onStarted
 */
export async function showTasks(container, onStarted) {
  /** @type {{ items: TaskInfo[] }} */
  const { items } = await getJson('bulk-tasks');
  container.replaceChildren(...items.map((task) => taskCard(task, onStarted)));
}

/** @param {TaskInfo} task @param {(bulkId: string) => void} onStarted */
function taskCard(task, onStarted) {
  const preview = element('div', { class: 'preview', 'aria-live': 'polite' });
  const previewButton = element('button', { type: 'button' }, 'Preview');
  const startButton = element('button', { type: 'submit' }, 'Start…');
  const form = /** @type {HTMLFormElement} */ (
    element(
      'form',
      { 'data-task': task.name },
      ...schemaFields(`task-${task.name}`, task.params),
      ...paceFields(`task-${task.name}`),
      element('div', { class: 'buttons' }, previewButton, ' ', startButton),
      preview,
    )
  );
  const request = (/** @type {Record<string, string>} */ extra) =>
    sendJson('POST', `bulk/${segment(task.name)}${paceQuery(form, extra)}`, schemaValues(form, task.params));

  previewButton.addEventListener('click', () =>
    busy(previewButton, async () => {
      if (!form.reportValidity()) return;
      preview.replaceChildren(previewText(await request({ dryRun: 'true' })));
    }),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void busy(startButton, async () => {
      const shown = previewText(await request({ dryRun: 'true' }));
      preview.replaceChildren(shown);
      if (!(await confirmAction(`Start “${task.title}”?`, [shown.cloneNode(true)]))) return;
      const accepted = await request({});
      say(`Started ${task.title}: run ${accepted.bulkId}.`);
      onStarted(accepted.bulkId);
    });
  });
  return element(
    'article',
    { class: 'task' },
    element('h3', {}, task.title),
    element('p', {}, task.description),
    form,
  );
}

/** @param {{ count: number, sample: string[] }} preview */
function previewText({ count, sample }) {
  const first =
    sample.length > 0
      ? ` First: ${sample.slice(0, 5).join(', ')}${count > Math.min(sample.length, 5) ? ' and more' : ''}.`
      : '';
  return element(
    'p',
    { class: 'preview-text' },
    `${count} item${count === 1 ? '' : 's'} would be visited.${first}`,
  );
}

/**
 * Runs an action with its button disabled (a second click cannot send it twice), saying what failed.
 * @param {HTMLElement} button
 * @param {() => Promise<void>} action
 */
export async function busy(button, action) {
  button.setAttribute('disabled', '');
  try {
    await action();
  } catch (error) {
    sayFailure(error);
  } finally {
    button.removeAttribute('disabled');
  }
}
