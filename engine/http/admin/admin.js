// @ts-check
// The bulk-task admin page's entry: the key form, the tasks and the runs, followed once a second while
// any run is still going. Everything from the API reaches the page through explorer/dom.js: text nodes
// and checked attribute values, never markup.
import { forgetStoredKey, storedKey, storeKey } from '../explorer/api.js';
import { page, say, sayFailure, showKeyStatus } from './page.js';
import { showRuns } from './runs.js';
import { showTasks } from './tasks.js';

/** @type {ReturnType<typeof setTimeout> | undefined} */
let following;

/** Draws the runs now, and again in a second while one is still going. */
async function refreshRuns() {
  clearTimeout(following);
  if (!storedKey()) return;
  try {
    const going = await showRuns(page.runs, () => void refreshRuns());
    if (going) following = setTimeout(() => void refreshRuns(), 1_000);
  } catch (error) {
    sayFailure(error);
  }
}

async function showAll() {
  if (!storedKey()) {
    page.tasks.replaceChildren();
    page.runs.replaceChildren();
    return;
  }
  try {
    await showTasks(page.tasks, () => void refreshRuns());
    await refreshRuns();
  } catch (error) {
    sayFailure(error);
  }
}

page.keyForm.addEventListener('submit', (/** @type {SubmitEvent} */ event) => {
  event.preventDefault();
  storeKey(page.keyInput.value.trim());
  page.keyInput.value = '';
  showKeyStatus();
  say('');
  void showAll();
});

page.forgetKey.addEventListener('click', () => {
  forgetStoredKey();
  showKeyStatus();
  void showAll();
});

showKeyStatus();
void showAll();
