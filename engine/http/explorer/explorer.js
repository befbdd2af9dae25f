// @ts-check
// The causation explorer's script: this entry wires the page's forms to its views. Everything from the API
// reaches the page as text nodes or checked attribute values, never as markup, and only web addresses
// become links: every view builds its elements with dom.js, which keeps that rule. What is shown lives in
// the address's fragment (#trace=…&stream=…&version=…), so every view is a link the browser's history and
// other tabs can follow.
import { correlationsOf, forgetStoredKey, getJson, segment, storedKey, storeKey } from './api.js';
import { element, viewLink } from './dom.js';
import { page, say, sayFailure, showKeyStatus } from './page.js';
import { showPlayback } from './playback.js';
import { showSaga } from './sagaView.js';
import { showTrace } from './traceView.js';

/** @type {string | undefined} */
let shownTrace;

async function showView() {
  const view = new URLSearchParams(location.hash.slice(1));
  const correlationId = view.get('trace') ?? undefined;
  const streamId = view.get('stream');
  const version = Number(view.get('version'));
  const workflowId = view.get('saga');
  if (!storedKey()) {
    if (location.hash) say('Enter an API key to see this view.');
    return;
  }
  try {
    if (correlationId && correlationId !== shownTrace) {
      say(`Loading the trace of ${correlationId}…`);
      showTrace(await getJson(`trace/${segment(correlationId)}`));
      shownTrace = correlationId;
      say('');
      // Focus follows what was asked for, so a screen reader reads the new content, not the old place.
      if (!streamId && !workflowId) page.traceHeading.focus();
    }
    if (streamId && Number.isInteger(version) && version >= 1) {
      await showPlayback(streamId, version, correlationId);
      page.detailHeading.focus();
    } else if (workflowId) {
      await showSaga(workflowId);
      page.detailHeading.focus();
    } else {
      page.detail.hidden = true;
    }
  } catch (error) {
    sayFailure(error);
  }
}

/** @param {string} id the id searched for @param {string[]} correlationIds */
function showSearchResult(id, correlationIds) {
  if (correlationIds.length === 0) {
    say(`${id} belongs to no correlation.`, 'error');
  } else if (correlationIds.length === 1) {
    say('');
    const view = viewLink({ trace: /** @type {string} */ (correlationIds[0]) });
    // The same view again fires no hashchange: show it anew (the key may have changed since).
    if (location.hash === view) {
      shownTrace = undefined;
      void showView();
    } else location.hash = view.slice(1);
  } else {
    say(`${id} belongs to ${correlationIds.length} correlations: pick one.`);
    page.choiceList.replaceChildren(
      ...correlationIds.map((each) =>
        element('li', {}, element('a', { href: viewLink({ trace: each }) }, each)),
      ),
    );
    page.choices.hidden = false;
  }
}

page.keyForm.addEventListener('submit', (submitted) => {
  submitted.preventDefault();
  storeKey(page.keyInput.value.trim());
  page.keyInput.value = '';
  showKeyStatus();
  say('Key set.');
  shownTrace = undefined;
  void showView();
});

page.forgetKey.addEventListener('click', () => {
  forgetStoredKey();
  showKeyStatus();
  say('Key forgotten.');
});

page.searchForm.addEventListener('submit', async (submitted) => {
  submitted.preventDefault();
  const id = page.searchId.value.trim();
  page.choices.hidden = true;
  say(`Looking for ${id}…`);
  try {
    showSearchResult(id, await correlationsOf(page.searchKind.value, id));
  } catch (error) {
    sayFailure(error);
  }
});

window.addEventListener('hashchange', () => void showView());
showKeyStatus();
void showView();
